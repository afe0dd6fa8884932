import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './schema.js';
import { SpoolWriteLock, takeTurns } from './writeLock.js';

export interface SpoolConnectionOptions {
  /**
   * `NORMAL` only for the routing thread's connection: a state change lost in a power cut means
   * a message is routed again, which the sink's idempotency keys make harmless, and it keeps
   * that connection's commits (and the lock waits they cause the writer) short. What says
   * "stored" (the writer thread) always commits with FULL.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** The process's turn order for writing this file (SpoolWriteLock), shared by every thread that writes it. */
  writeLock?: SharedArrayBuffer;
}

export function openSpoolDatabase(file: string, options: SpoolConnectionOptions = {}): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so a committed row survives power loss.
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (options.writeLock) {
    takeTurns(db, new SpoolWriteLock(options.writeLock));
    // Checkpoints are the writer thread's, between commits and outside any turn: one run by
    // SQLite at the end of a commit would hold up that commit's answers and everyone's turn.
    db.pragma('wal_autocheckpoint = 0');
  }
  return db;
}
