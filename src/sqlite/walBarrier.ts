import type Database from 'better-sqlite3';
import { syncPath } from './durableFiles.js';

/**
 * Group commit for a connection in WAL mode with `synchronous = NORMAL`: its commits reach the
 * WAL file (the page cache) at once, and `sync()` fsyncs that file, making every commit before
 * it durable together. That is FULL's guarantee (one fsync of the WAL after each commit), paid
 * once for many commits: what needs it before it goes on (an outcome recorded, a mail sent)
 * calls `sync()` first. A sync with nothing committed since the last one costs a query.
 */
export class WalBarrier {
  private readonly changes: Database.Statement;
  private readonly walFile: string;
  private synced: number;

  constructor(
    db: Database.Database,
    private readonly fsync: (file: string) => void = syncPath,
  ) {
    // SQLite's name for a database's write-ahead log.
    this.walFile = `${db.name}-wal`;
    this.changes = db.prepare('SELECT total_changes()').pluck();
    this.synced = this.total();
  }

  sync(): void {
    const total = this.total();
    if (total === this.synced) return;
    this.fsync(this.walFile);
    this.synced = total;
  }

  private total(): number {
    return this.changes.get() as number;
  }
}
