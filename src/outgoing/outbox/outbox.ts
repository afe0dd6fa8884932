import type Database from 'better-sqlite3';
import type { NoteableType } from '../../handlers/sink.js';
import { statementCache } from '../../sqlite/statementCache.js';
import type { OutgoingMessage } from '../message.js';
import { causingSpoolMessage } from './cause.js';
import type { OutboxState, OutgoingMail } from './types.js';

export interface MailToQueue {
  message: OutgoingMessage;
  /** The issue or merge request the mail is about. */
  entity?: { type: NoteableType; id: number };
  /** A Service Desk thank-you: the ticket it thanks for (one per ticket). */
  thankYouFor?: number;
}

/** A claimed mail: the row, and the message to put on the wire. */
export interface ClaimedMail {
  mail: OutgoingMail;
  message: OutgoingMessage;
}

interface OutboxRow {
  id: number;
  kind: OutgoingMail['kind'];
  state: OutboxState;
  message_id: string;
  recipients: string;
  subject: string;
  message: string;
  spool_id: number | null;
  entity_type: NoteableType | null;
  entity_id: number | null;
  thank_you_for: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  response: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = `id, kind, state, message_id, recipients, subject, spool_id, entity_type, entity_id, thank_you_for,
  attempts, next_attempt_at, last_error, response, created_at, updated_at`;
const DEFAULT_LIST_LIMIT = 100;

/**
 * The durable outbox, in the tracker's SQLite file: a mail is queued in the transaction of the
 * action that causes it, and leaves this table only as `sent` (after the relay's 250) or `dead`
 * (with the reason). Several senders may share it: a claim is a lease, taken in one statement.
 */
export class Outbox {
  private readonly queuedListeners: (() => void)[] = [];
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(
    readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    /** Puts every commit so far on disk, for a connection that groups them (Tracker.makeDurable). */
    private readonly makeDurable: () => void = () => undefined,
  ) {
    this.prepare = statementCache(db);
  }

  /** Queues a mail; inside a caller's transaction it commits (or not) with it. */
  enqueue({ message, entity, thankYouFor }: MailToQueue): number {
    const now = this.now();
    const id = Number(
      this.prepare(
        `INSERT INTO outbox (kind, state, message_id, recipients, subject, message, spool_id, entity_type, entity_id,
             thank_you_for, next_attempt_at, created_at, updated_at)
           VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        message.kind,
        message.messageId,
        message.to.map((to) => to.address).join(','),
        message.subject,
        JSON.stringify(message),
        causingSpoolMessage(),
        entity?.type ?? null,
        entity?.id ?? null,
        thankYouFor ?? null,
        now,
        now,
        now,
      ).lastInsertRowid,
    );
    for (const listener of this.queuedListeners) listener();
    return id;
  }

  /** Called after each enqueue (a sender wakes up; it claims only what is committed). */
  onQueued(listener: () => void): void {
    this.queuedListeners.push(listener);
  }

  /**
   * Runs `work` in one transaction: one commit (one fsync) for everything it records. It returns
   * once that commit, and every one before it, is on disk: a mail it claims is sent only after
   * the action that queued it is durable, so a power cut cannot leave a mail about a lost note.
   */
  inOneCommit<T>(work: () => T): T {
    const result = this.db.transaction(work).immediate();
    this.makeDurable();
    return result;
  }

  /** Takes up to `limit` mails that are due, or whose sender's lease ran out (it died mid-send). */
  claimDue(limit: number, leaseMs: number): ClaimedMail[] {
    const now = this.now();
    return this.db
      .transaction(() => {
        const rows = this.prepare(
          `SELECT ${COLUMNS}, message FROM outbox
             WHERE (state IN ('queued', 'retry') AND next_attempt_at <= ?) OR (state = 'sending' AND next_attempt_at <= ?)
             ORDER BY next_attempt_at, id LIMIT ?`,
        ).all(now, now, limit) as OutboxRow[];
        const claim = this.prepare(
          `UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
        );
        return rows.map((row) => {
          claim.run(now + leaseMs, now, row.id);
          const claimed = {
            ...row,
            state: 'sending' as const,
            attempts: row.attempts + 1,
            next_attempt_at: now + leaseMs,
          };
          return { mail: toMail(claimed), message: JSON.parse(row.message) as OutgoingMessage };
        });
      })
      .immediate();
  }

  /** The relay said 250. `also` runs in the same transaction (a thank-you flag, say). */
  markSent(id: number, response: string, also?: (mail: OutgoingMail) => void): void {
    this.db
      .transaction(() => {
        this.prepare(
          `UPDATE outbox SET state = 'sent', response = ?, last_error = NULL, updated_at = ? WHERE id = ?`,
        ).run(response, this.now(), id);
        const mail = this.get(id);
        if (mail && also) also(mail);
      })
      .immediate();
  }

  markRetry(id: number, at: number, reason: string): void {
    this.prepare(
      `UPDATE outbox SET state = 'retry', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?`,
    ).run(at, reason, this.now(), id);
  }

  markDead(id: number, reason: string): void {
    this.prepare(`UPDATE outbox SET state = 'dead', last_error = ?, updated_at = ? WHERE id = ?`).run(
      reason,
      this.now(),
      id,
    );
  }

  get(id: number): OutgoingMail | null {
    const row = this.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
    return row ? toMail(row) : null;
  }

  /** Mails by state, for health, metrics and the console (states with none are left out). */
  countByState(): Record<string, number> {
    const rows = this.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as {
      state: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** The console's lists: newest first. */
  byState(state: OutboxState, limit: number = DEFAULT_LIST_LIMIT): OutgoingMail[] {
    const rows = this.prepare(`SELECT ${COLUMNS} FROM outbox WHERE state = ? ORDER BY id DESC LIMIT ?`).all(
      state,
      limit,
    ) as OutboxRow[];
    return rows.map(toMail);
  }

  /** Every mail the handling of this spool message caused, in the order queued. */
  causedBy(spoolId: number): OutgoingMail[] {
    const rows = this.prepare(`SELECT ${COLUMNS} FROM outbox WHERE spool_id = ? ORDER BY id`).all(
      spoolId,
    ) as OutboxRow[];
    return rows.map(toMail);
  }

  /** Every mail about this issue or merge request, in the order queued. */
  forEntity(type: NoteableType, id: number): OutgoingMail[] {
    const rows = this.prepare(`SELECT ${COLUMNS} FROM outbox WHERE entity_type = ? AND entity_id = ? ORDER BY id`).all(
      type,
      id,
    ) as OutboxRow[];
    return rows.map(toMail);
  }

  /**
   * Removes mail sent before `before` (a batch per transaction, the event loop let go between
   * them); queued, retrying and dead mail stays whatever its age, as in the spool.
   */
  async purgeSent(before: number, batch = 500): Promise<number> {
    const remove = this.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'sent' AND updated_at < ? LIMIT ?)`,
    );
    let removed = 0;
    for (;;) {
      const changes = this.db.transaction(() => remove.run(before, batch).changes).immediate();
      removed += changes;
      if (changes < batch) return removed;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** When the next mail falls due (now or in the past for a backlog); null when nothing waits. */
  nextDueAt(): number | null {
    const row = this.prepare(
      `SELECT min(next_attempt_at) AS at FROM outbox WHERE state IN ('queued', 'retry', 'sending')`,
    ).get() as { at: number | null };
    return row.at;
  }
}

function toMail(row: Omit<OutboxRow, 'message'>): OutgoingMail {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    messageId: row.message_id,
    recipients: row.recipients === '' ? [] : row.recipients.split(','),
    subject: row.subject,
    spoolId: row.spool_id,
    entity: row.entity_type !== null && row.entity_id !== null ? { type: row.entity_type, id: row.entity_id } : null,
    thankYouFor: row.thank_you_for,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    response: row.response,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
