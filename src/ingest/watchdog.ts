/**
 * A deadline for the server's next sign of life. imapflow's own socket timeout is minutes long and
 * is fooled by a connection that accepts writes but never answers (a NAT that forgot us), so every
 * step we wait on is guarded, and silence past the bound drops the connection.
 */
export class Watchdog {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly boundMs: number,
    private readonly onSilence: () => void,
  ) {}

  async guard<T>(work: Promise<T>): Promise<T> {
    this.kick();
    try {
      return await work;
    } finally {
      this.disarm();
    }
  }

  /** Progress seen: the server has another `boundMs` to say something. */
  kick(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onSilence();
    }, this.boundMs);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
