// How long the directory's version is trusted before it is read again: a change committed
// elsewhere reaches RCPT TO at most this late, and a busy front reads the version once per
// this many recipients instead of querying the directory for each.
const RECHECK_MS = 1;
// A bound on memory: past it the set starts again (the directory answers the next ones).
const MOST_KEYS = 10_000;

/**
 * The keys a directory said yes to, while its version stays what it was when it said so. Only
 * yes answers are kept: an unknown key (a guess, a typo, spam) is asked again every time, so a key
 * that starts to exist is accepted at once.
 */
export class KnownKeys {
  private readonly known = new Set<string>();
  private version: number | undefined;
  private checkedAt = -Infinity;

  constructor(
    private readonly versionOf: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  has(key: string): boolean {
    const now = this.now();
    if (now - this.checkedAt >= RECHECK_MS) {
      const version = this.readVersion();
      if (version === undefined || version !== this.version) this.known.clear();
      this.version = version;
      // A directory that cannot say its version is asked again next time, and meanwhile knows nothing.
      this.checkedAt = version === undefined ? -Infinity : now;
    }
    return this.known.has(key);
  }

  private readVersion(): number | undefined {
    try {
      return this.versionOf();
    } catch {
      return undefined;
    }
  }

  /** Called with a yes the directory gave after `has` missed, so under the version `has` saw. */
  add(key: string): void {
    if (this.version === undefined) return;
    if (this.known.size >= MOST_KEYS) this.known.clear();
    this.known.add(key);
  }
}
