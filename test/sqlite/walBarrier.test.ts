// Group commit for the routing thread's tracker connection: commits go to the WAL unsynced, and
// one fsync of the WAL makes all of them durable before anything depends on them.
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncPath } from '../../src/sqlite/durableFiles.js';
import { WalBarrier } from '../../src/sqlite/walBarrier.js';
import { tempDir } from '../helpers/postroom.js';

let made: { dir: string; cleanup: () => void };
let db: Database.Database;
let file: string;
/** Each fsync the barrier asks for, with the size of the file at that moment; the real fsync runs too. */
let synced: { file: string; bytes: number }[];
let barrier: WalBarrier;

beforeEach(() => {
  made = tempDir();
  file = path.join(made.dir, 'grouped.db');
  db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  synced = [];
  barrier = new WalBarrier(db, (target) => {
    synced.push({ file: target, bytes: statSync(target).size });
    syncPath(target);
  });
});
afterEach(() => {
  db.close();
  made.cleanup();
});

const insert = (body: string) => db.prepare('INSERT INTO notes (body) VALUES (?)').run(body);

describe('the WAL barrier', () => {
  it('fsyncs the WAL once for every commit since the last sync', () => {
    insert('one');
    insert('two');
    db.transaction(() => insert('three'))();
    barrier.sync();
    expect(synced).toHaveLength(1);
    expect(synced[0].file).toBe(`${file}-wal`);
    // The three commits are in the file it synced (a WAL header is 32 bytes; each frame a page more).
    expect(synced[0].bytes).toBeGreaterThan(32 + 3 * (db.pragma('page_size', { simple: true }) as number));
  });

  it('costs no fsync when nothing was committed since the last one', () => {
    barrier.sync();
    expect(synced).toHaveLength(0);
    insert('one');
    barrier.sync();
    barrier.sync();
    db.prepare('SELECT count(*) FROM notes').get();
    barrier.sync();
    expect(synced).toHaveLength(1);
    insert('two');
    barrier.sync();
    expect(synced).toHaveLength(2);
  });

  it('answers a failing fsync with its error, and tries again at the next sync', () => {
    const failing = new WalBarrier(db, () => syncPath(path.join(made.dir, 'missing-wal')));
    insert('one');
    expect(() => failing.sync()).toThrow(/ENOENT/);
    expect(() => failing.sync()).toThrow(/ENOENT/);
  });
});
