import { createHash, randomBytes } from 'node:crypto';

/** Who a session speaks for: the operator (console), a tracker user (its pages), or both. */
export interface Session {
  id: string;
  /** Every state-changing form carries it; a POST without it is refused. */
  csrf: string;
  expiresAt: number;
  operator: boolean;
  userId?: number;
  /** What the header shows: "operator" or the user's name. */
  name: string;
}

export type SessionHolder = Pick<Session, 'operator' | 'userId' | 'name'>;

// Memory is the only store: a restart signs everyone out, which is the safe side.
const MAX_SESSIONS = 10_000;
const MAX_LINKS = 10_000;
export const LINK_TTL_MS = 15 * 60_000;

const secret = () => randomBytes(32).toString('base64url');
const hashed = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions and one-time sign-in links. A link is kept only as its hash, so what lies in memory
 * cannot be replayed; the oldest entries go first when a flood fills either map.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly links = new Map<string, { userId: number; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  create(holder: SessionHolder): Session {
    const session: Session = { ...holder, id: secret(), csrf: secret(), expiresAt: this.now() + this.ttlMs };
    bounded(this.sessions, MAX_SESSIONS);
    this.sessions.set(hashed(session.id), session);
    return session;
  }

  /** The live session with this cookie value; an expired one is forgotten on the spot. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = hashed(id);
    const session = this.sessions.get(key);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(hashed(id));
  }

  /** A token for a mailed sign-in link; it works once, within LINK_TTL_MS. */
  issueLink(userId: number): string {
    const token = secret();
    bounded(this.links, MAX_LINKS);
    this.links.set(hashed(token), { userId, expiresAt: this.now() + LINK_TTL_MS });
    return token;
  }

  /** Whether the link is still good, without using it up (the confirmation page asks this). */
  linkValid(token: string): boolean {
    const link = this.links.get(hashed(token));
    return link !== undefined && link.expiresAt > this.now();
  }

  redeemLink(token: string): number | undefined {
    const key = hashed(token);
    const link = this.links.get(key);
    this.links.delete(key);
    return link && link.expiresAt > this.now() ? link.userId : undefined;
  }
}

function bounded<V>(map: Map<string, V>, max: number): void {
  while (map.size >= max) map.delete(map.keys().next().value as string);
}
