import type Database from 'better-sqlite3';
import { bodyFileInUse, type BodyFiles } from './bodyFiles.js';

export interface PurgeResult {
  /** Messages removed with their deliveries and trace. */
  messages: number;
  /** Body files removed once no message pointed into them. */
  bodyFiles: number;
  /** True when the pass reached messages younger than the cut-off: nothing older is left to look at. */
  finished: boolean;
}

/**
 * Finished mail leaves the spool after the retention age, so the disk holds what is still
 * useful: queued, failing and dead mail is always kept, whatever its age; done, ignored and
 * rejected (with its notice sent) is finished. A pass walks the oldest messages in id order, a
 * bounded number per transaction, and stops at the first one received after the cut-off.
 */
export class Retention {
  private readonly oldest: Database.Statement;
  private readonly unfinished: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly bodyInUse: (file: string) => boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly bodies: BodyFiles,
  ) {
    this.oldest = db.prepare('SELECT id, received_at, body_file FROM messages WHERE id > ? ORDER BY id LIMIT ?');
    this.unfinished = db
      .prepare(
        "SELECT EXISTS (SELECT 1 FROM deliveries WHERE message = ? AND state NOT IN ('done', 'ignored', 'rejected'))",
      )
      .pluck();
    // Deliveries and trace events go with their message (ON DELETE CASCADE).
    this.remove = db.prepare('DELETE FROM messages WHERE id = ?');
    this.bodyInUse = bodyFileInUse(db);
  }

  /** One transaction: up to `limit` messages after `after` looked at; answers where the next should start. */
  purgeBatch(before: number, after: number, limit: number): PurgeResult & { next: number } {
    const files = new Set<string>();
    let next = after;
    let messages = 0;
    let finished = true;
    this.db.transaction(() => {
      const rows = this.oldest.all(after, limit) as { id: number; received_at: number; body_file: string | null }[];
      finished = rows.length < limit;
      for (const row of rows) {
        if (row.received_at >= before) {
          finished = true;
          break;
        }
        next = row.id;
        if (this.unfinished.get(row.id) === 1) continue;
        this.remove.run(row.id);
        messages++;
        if (row.body_file) files.add(row.body_file);
      }
    })();
    let bodyFiles = 0;
    for (const file of files) {
      if (this.bodyInUse(file)) continue;
      this.bodies.remove(file);
      bodyFiles++;
    }
    return { messages, bodyFiles, finished, next };
  }
}
