/**
 * Counts attempts per key (a client address, a mail address) in a sliding window, so a guesser
 * of the operator token or a sender of sign-in mail to someone else's address is slowed to a
 * few tries per window. Memory is bounded: past MAX_KEYS the key seen longest ago goes first.
 */
export class AttemptLimit {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  waitFor(key: string): number {
    const recent = this.recent(key);
    return recent.length < this.limit ? 0 : recent[0] + this.windowMs - this.now();
  }

  /** Counts an attempt for `key`. */
  record(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    // Re-inserted at the end: the map's order is the order keys were last seen.
    this.attempts.delete(key);
    this.attempts.set(key, recent.slice(-this.limit));
    if (this.attempts.size > MAX_KEYS) this.attempts.delete(this.attempts.keys().next().value as string);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.attempts.get(key) ?? []).filter((at) => at > since);
  }
}

const MAX_KEYS = 10_000;
