import type { SmtpLimits } from '../config/index.js';

export type PaceLimits = Pick<SmtpLimits, 'commandTimeoutMs' | 'dataTimeoutMs' | 'minDataRate' | 'sessionLifetimeMs'>;

/** Which limit a session ran out of. */
export type Overrun = 'command' | 'handshake' | 'data' | 'rate' | 'lifetime';

export interface Due {
  at: number;
  overrun: Overrun;
}

const LF = 0x0a;
// Enough of a line's end to recognise STARTTLS when it arrives split over several reads.
const TAIL_CHARS = 16;
const STARTTLS_LINE = /^STARTTLS\s*$/i;

/**
 * What a session owes us and by when, in time a client cannot stretch: smtp-server's idle
 * timeout restarts with every byte, these deadlines do not. A command line is due whole within
 * the command timeout of its first byte, a TLS handshake within it of STARTTLS; DATA must end
 * within the data timeout and keep up the minimum rate after one command timeout of grace; the
 * whole session ends at its lifetime, though never while we owe the client its answer.
 * Pure and O(1) per chunk: the caller passes the clock and keeps the timer.
 */
export class Pace {
  private lineSince: number | undefined;
  private lineTail = '';
  private handshakeSince: number | undefined;
  private data: { since: number; bytes: number } | undefined;
  private answerOwed = false;
  private readonly endOfLife: number;

  constructor(
    private readonly limits: PaceLimits,
    connectedAt: number,
  ) {
    this.endOfLife = connectedAt + limits.sessionLifetimeMs;
  }

  /** Bytes as they come off the socket. */
  received(chunk: Buffer, now: number): void {
    if (this.data) {
      this.data.bytes += chunk.length;
      return;
    }
    // Plaintext after STARTTLS means the server refused it: no handshake is coming.
    this.handshakeSince = undefined;
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf === -1) {
      this.lineSince ??= now;
      this.lineTail = (this.lineTail + chunk.toString('latin1', Math.max(0, chunk.length - TAIL_CHARS))).slice(
        -TAIL_CHARS,
      );
      return;
    }
    const from = Math.max(0, lastLf - TAIL_CHARS);
    const end = (from === 0 ? this.lineTail : '') + chunk.toString('latin1', from, lastLf);
    if (STARTTLS_LINE.test(end.slice(end.lastIndexOf('\n') + 1))) this.handshakeSince = now;
    this.lineSince = lastLf === chunk.length - 1 ? undefined : now;
    this.lineTail = chunk.toString('latin1', Math.max(lastLf + 1, chunk.length - TAIL_CHARS));
  }

  handshakeDone(): void {
    this.handshakeSince = undefined;
  }

  dataStarted(now: number): void {
    this.data = { since: now, bytes: 0 };
    this.lineSince = undefined;
  }

  /** The message is in; until `answered`, any wait is ours, not the client's. */
  dataEnded(): void {
    this.data = undefined;
    this.answerOwed = true;
  }

  answered(): void {
    this.answerOwed = false;
  }

  /** The earliest moment a limit runs out; undefined while only we are keeping the client waiting. */
  due(): Due | undefined {
    const { commandTimeoutMs, dataTimeoutMs, minDataRate } = this.limits;
    if (this.data) {
      const { since, bytes } = this.data;
      const slow = since + commandTimeoutMs + (bytes / minDataRate) * 1000;
      const late = since + dataTimeoutMs;
      return slow < late ? { at: slow, overrun: 'rate' } : { at: late, overrun: 'data' };
    }
    if (this.answerOwed) return undefined;
    let due: Due = { at: this.endOfLife, overrun: 'lifetime' };
    if (this.handshakeSince !== undefined && this.handshakeSince + commandTimeoutMs < due.at)
      due = { at: this.handshakeSince + commandTimeoutMs, overrun: 'handshake' };
    if (this.lineSince !== undefined && this.lineSince + commandTimeoutMs < due.at)
      due = { at: this.lineSince + commandTimeoutMs, overrun: 'command' };
    return due;
  }
}
