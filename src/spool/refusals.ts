import type Database from 'better-sqlite3';
import { openSpoolDatabase } from './database.js';

/** A recipient refused at RCPT TO, with who asked. */
export interface RcptRefusal {
  at: number;
  sessionId: string;
  clientAddress?: string;
  helo?: string;
  mailFrom: string;
  recipient: string;
  code: number;
  reason: string;
}

export interface RefusalLogOptions {
  /** Rows kept; older ones are dropped as new ones arrive. */
  keep?: number;
  flushEveryMs?: number;
  onError?: (error: unknown) => void;
}

const DEFAULT_KEEP = 10_000;
const FLUSH_EVERY_MS = 1000;
// Refusals waiting for a flush while the file is busy or broken: beyond this the oldest go.
const MAX_PENDING = 5_000;

/**
 * The capped record of RCPT-time refusals. `record` only pushes to memory; a timer writes the
 * batch in one transaction on a connection of its own that never waits for a lock (a busy or
 * broken file costs a skipped flush, never an SMTP reply's time). It is a diagnostic log, not
 * mail: under a flood the oldest unwritten entries are the ones dropped.
 */
export class RefusalLog {
  private pending: RcptRefusal[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insert: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly keep: number;
  private readonly flushEveryMs: number;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: RefusalLogOptions,
  ) {
    this.keep = options.keep ?? DEFAULT_KEEP;
    this.flushEveryMs = options.flushEveryMs ?? FLUSH_EVERY_MS;
    this.insert = db.prepare(
      `INSERT INTO rcpt_refusals (at, session_id, client_address, helo, mail_from, recipient, code, reason)
       VALUES (@at, @sessionId, @clientAddress, @helo, @mailFrom, @recipient, @code, @reason)`,
    );
    this.trim = db.prepare('DELETE FROM rcpt_refusals WHERE id <= (SELECT max(id) FROM rcpt_refusals) - ?');
  }

  static open(file: string, options: RefusalLogOptions = {}): RefusalLog {
    const db = openSpoolDatabase(file, { synchronous: 'NORMAL' });
    db.pragma('busy_timeout = 0');
    return new RefusalLog(db, options);
  }

  record(refusal: RcptRefusal): void {
    this.pending.push(refusal);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushEveryMs);
      this.timer.unref();
    }
  }

  /** Writes what is waiting; on failure it stays for the next try. */
  flush(): void {
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.db.transaction(() => {
        for (const r of batch) {
          this.insert.run({ ...r, clientAddress: r.clientAddress ?? null, helo: r.helo ?? null });
        }
        this.trim.run(this.keep);
      })();
    } catch (error) {
      this.options.onError?.(error);
      this.pending = [...batch, ...this.pending].slice(-MAX_PENDING);
      if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), this.flushEveryMs);
        this.timer.unref();
      }
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.flush();
    this.db.close();
  }
}

interface RefusalRow {
  id: number;
  at: number;
  session_id: string;
  client_address: string | null;
  helo: string | null;
  mail_from: string;
  recipient: string;
  code: number;
  reason: string;
}

/** The newest refusals first; `before` (an id) pages back. */
export function recentRefusals(
  db: Database.Database,
  limit: number,
  before?: number,
): (RcptRefusal & { id: number })[] {
  const rows = db
    .prepare('SELECT * FROM rcpt_refusals WHERE id < ? ORDER BY id DESC LIMIT ?')
    .all(before ?? Number.MAX_SAFE_INTEGER, limit) as RefusalRow[];
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    sessionId: row.session_id,
    clientAddress: row.client_address ?? undefined,
    helo: row.helo ?? undefined,
    mailFrom: row.mail_from,
    recipient: row.recipient,
    code: row.code,
    reason: row.reason,
  }));
}
