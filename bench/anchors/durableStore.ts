import path from 'node:path';
import Database from 'better-sqlite3';
import { BodyFiles } from '../../src/spool/bodyFiles.js';
import { NEW_FILE_PAGE_SIZE } from '../../src/spool/database.js';

/**
 * The least a durable spool can write for one message handled on its own: the three commits every
 * accepted-and-routed message needs (stored, claimed, finished), each fsynced, with nothing else
 * (no index, no trace, no envelope). The anchor of bench:writes, in two shapes.
 */
export type FloorShape = 'sqlite' | 'file-and-row';

/** A bare SQLite file made durable the way the spool is: its page size, WAL, synchronous=FULL. */
export function bareDurableDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

/** Stores and settles `count` messages of `size` bytes in a fresh folder, one at a time. */
export function durableFloor(shape: FloorShape, folder: string, size: number, count: number): void {
  const db = bareDurableDatabase(path.join(folder, 'floor.db'));
  // The bytes apart from the state that changes, as the spool keeps them.
  db.exec('CREATE TABLE bodies (id INTEGER PRIMARY KEY, raw BLOB NOT NULL)');
  db.exec('CREATE TABLE states (id INTEGER PRIMARY KEY, state TEXT NOT NULL)');
  const insertBody = db.prepare('INSERT INTO bodies (id, raw) VALUES (?, ?)');
  const insertState = db.prepare(`INSERT INTO states (id, state) VALUES (?, 'queued')`);
  const setState = db.prepare('UPDATE states SET state = ? WHERE id = ?');
  const store = db.transaction((id: number, raw: Buffer | undefined) => {
    if (raw) insertBody.run(id, raw);
    insertState.run(id);
  });
  // The spool's own body files (fsynced, their folder too), one per message.
  const files = new BodyFiles(path.join(folder, 'bodies'));
  const raw = Buffer.alloc(size, 'x');
  for (let id = 1; id <= count; id++) {
    if (shape === 'file-and-row') files.writeBatch([[raw]]);
    store.immediate(id, shape === 'sqlite' ? raw : undefined);
    setState.run('processing', id);
    setState.run('done', id);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
