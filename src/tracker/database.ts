import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './schema.js';

/**
 * `durable`: every commit is on disk before it returns. `grouped`: commits reach the WAL file at
 * once and the disk at the connection's next sync (WalBarrier), for a caller that syncs before
 * anything depends on them (the routing thread, before it records outcomes or sends mail).
 */
export type TrackerCommits = 'durable' | 'grouped';

/** Opens (creating if need be) a tracker file in WAL mode. */
export function openDatabase(file: string, commits: TrackerCommits = 'durable'): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${commits === 'durable' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
