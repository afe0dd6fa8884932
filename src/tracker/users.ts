import { randomBytes } from 'node:crypto';
import type { Saved, User } from '../handlers/sink.js';
import type { TrackerContext } from './types.js';
import { EMAIL_PATTERN, Errors, invalid, saved } from './validation.js';

interface UserRow {
  id: number;
  username: string;
  name: string;
  email: string;
  blocked: number;
  is_support_bot: number;
}

const USER_COLUMNS = 'id, username, name, email, blocked, is_support_bot';
const USERNAME_PATTERN = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;
const SUPPORT_BOT = { username: 'support-bot', name: 'GitLab Support Bot' };

/** GitLab's current form: `glimt-` and a random 128-bit number in base 36. */
export function generateIncomingEmailToken(): string {
  return `glimt-${BigInt(`0x${randomBytes(16).toString('hex')}`).toString(36)}`;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  name: row.name,
  email: row.email,
  blocked: row.blocked === 1,
  isSupportBot: row.is_support_bot === 1,
});

export interface NewUser {
  username: string;
  name?: string;
  email: string;
  /** Given for fixtures and seeds; generated otherwise. */
  incomingEmailToken?: string;
}

export function createUser(ctx: TrackerContext, input: NewUser, isSupportBot = false): Saved<User> {
  const errors = new Errors();
  errors.blank('Username', input.username);
  if (input.username && !USERNAME_PATTERN.test(input.username)) {
    errors.add("Username can contain only letters, digits, '_', '-' and '.'");
  }
  errors.blank('Email', input.email);
  if (input.email && !EMAIL_PATTERN.test(input.email)) errors.add('Email is invalid');
  if (errors.any) return errors.result();
  const { db } = ctx;
  return db
    .transaction((): Saved<User> => {
      if (ctx.prepare('SELECT 1 FROM users WHERE username_lower = ?').get(input.username.toLowerCase())) {
        return invalid('Username has already been taken');
      }
      if (ctx.prepare('SELECT 1 FROM user_emails WHERE email_lower = ?').get(input.email.toLowerCase())) {
        return invalid('Email has already been taken');
      }
      const token = input.incomingEmailToken ?? generateIncomingEmailToken();
      if (ctx.prepare('SELECT 1 FROM users WHERE incoming_email_token = ?').get(token)) {
        return invalid('Incoming email token has already been taken');
      }
      const { lastInsertRowid } = ctx
        .prepare(
          `INSERT INTO users (username, username_lower, name, email, incoming_email_token, is_support_bot, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.username,
          input.username.toLowerCase(),
          input.name ?? input.username,
          input.email,
          token,
          isSupportBot ? 1 : 0,
          ctx.now(),
        );
      const id = Number(lastInsertRowid);
      ctx
        .prepare('INSERT INTO user_emails (email_lower, email, user_id, is_primary, verified) VALUES (?, ?, ?, 1, 1)')
        .run(input.email.toLowerCase(), input.email, id);
      return saved(userById(ctx, id) as User);
    })
    .immediate();
}

/** A secondary email; GitLab accepts replies only from verified ones. */
export function addEmail(
  ctx: TrackerContext,
  userId: number,
  email: string,
  options: { verified?: boolean } = {},
): Saved<{ email: string }> {
  if (!EMAIL_PATTERN.test(email)) return invalid('Email is invalid');
  const { db } = ctx;
  return db
    .transaction((): Saved<{ email: string }> => {
      if (!userById(ctx, userId)) return invalid('User not found');
      if (ctx.prepare('SELECT 1 FROM user_emails WHERE email_lower = ?').get(email.toLowerCase())) {
        return invalid('Email has already been taken');
      }
      ctx
        .prepare('INSERT INTO user_emails (email_lower, email, user_id, is_primary, verified) VALUES (?, ?, ?, 0, ?)')
        .run(email.toLowerCase(), email, userId, options.verified === false ? 0 : 1);
      return saved({ email });
    })
    .immediate();
}

export function setBlocked(ctx: TrackerContext, userId: number, blocked: boolean): void {
  ctx.prepare('UPDATE users SET blocked = ? WHERE id = ?').run(blocked ? 1 : 0, userId);
}

export function userById(ctx: TrackerContext, id: number): User | null {
  const row = ctx.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
  return row ? toUser(row) : null;
}

export function userByUsername(ctx: TrackerContext, username: string): User | null {
  const row = ctx.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username_lower = ?`).get(username.toLowerCase()) as
    UserRow | undefined;
  return row ? toUser(row) : null;
}

export function userByIncomingEmailToken(ctx: TrackerContext, token: string): User | null {
  const row = ctx.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE incoming_email_token = ?`).get(token) as
    UserRow | undefined;
  return row ? toUser(row) : null;
}

/** The owner of a verified email (primary or secondary), compared case-insensitively. */
export function userByVerifiedEmail(ctx: TrackerContext, address: string): User | null {
  const row = ctx
    .prepare('SELECT user_id FROM user_emails WHERE email_lower = ? AND verified = 1')
    .get(address.trim().toLowerCase()) as { user_id: number } | undefined;
  return row ? userById(ctx, row.user_id) : null;
}

export function isVerifiedEmail(ctx: TrackerContext, userId: number, address: string): boolean {
  return userByVerifiedEmail(ctx, address)?.id === userId;
}

export function incomingEmailToken(ctx: TrackerContext, userId: number): string | null {
  const row = ctx.prepare('SELECT incoming_email_token FROM users WHERE id = ?').get(userId) as
    { incoming_email_token: string } | undefined;
  return row?.incoming_email_token ?? null;
}

export function supportBot(ctx: TrackerContext): User {
  const row = ctx.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE is_support_bot = 1`).get() as UserRow | undefined;
  if (!row) throw new Error('the tracker has no Support Bot (ensureSupportBot runs on open)');
  return toUser(row);
}

/** GitLab creates its Support Bot on first use; the tracker creates it on first open. */
export function ensureSupportBot(ctx: TrackerContext, email: string): User {
  const existing = ctx.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE is_support_bot = 1`).get() as
    UserRow | undefined;
  if (existing) return toUser(existing);
  const created = createUser(ctx, { ...SUPPORT_BOT, email }, true);
  if (!created.saved) throw new Error(`cannot create the Support Bot: ${created.errors.join(', ')}`);
  return created.record;
}
