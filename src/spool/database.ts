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

/**
 * A commit writes every page it changes whole to the WAL, and the checkpoint writes it again, so
 * the page is the unit a claim or an outcome (a few rows of a few bytes) costs. Smaller pages
 * make that cheaper but a message's bytes dearer (two writes per page to the WAL). Only a new
 * file takes it: an existing one keeps the size it was made with (WAL mode cannot change it).
 */
export const NEW_FILE_PAGE_SIZE = 2048;
/**
 * For a connection that checkpoints by itself (one without the process's write turns): as much
 * WAL at a time as SQLite's default of 1000 pages moved with the old page size.
 */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;

export function openSpoolDatabase(file: string, options: SpoolConnectionOptions = {}): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Before anything writes the file's first page; a file that has one ignores it.
  db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  // FULL: the WAL is fsynced at every commit, so a committed row survives power loss.
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  // With the process's write turns, checkpoints are the writer thread's, between commits and
  // outside any turn: one run by SQLite at the end of a commit would hold up that commit's
  // answers and everyone's turn.
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${options.writeLock ? 0 : Math.ceil(CHECKPOINT_BYTES / pageSize)}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  if (options.writeLock) takeTurns(db, new SpoolWriteLock(options.writeLock));
  return db;
}
