// Several reads in one read transaction: they see one snapshot, and they hold no write lock, so
// another connection commits meanwhile (the spool's writer thread while the routing thread reads).
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTransaction } from '../../src/sqlite/readTransaction.js';
import { tempDir } from '../helpers/postroom.js';

let made: { dir: string; cleanup: () => void };
let reader: Database.Database;
let writer: Database.Database;

beforeEach(() => {
  made = tempDir();
  const file = path.join(made.dir, 'shared.db');
  writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY)');
  writer.prepare('INSERT INTO rows DEFAULT VALUES').run();
  reader = new Database(file);
  writer.pragma('busy_timeout = 0');
});
afterEach(() => {
  reader.close();
  writer.close();
  made.cleanup();
});

const count = (db: Database.Database) => db.prepare('SELECT count(*) FROM rows').pluck().get() as number;

describe('readTransaction', () => {
  it('gives its reads one snapshot while another connection commits, and ends it after', () => {
    const together = readTransaction(reader);
    const seen = together(() => {
      const before = count(reader);
      // busy_timeout 0: this would throw if the reads held anything a writer waits for.
      writer.prepare('INSERT INTO rows DEFAULT VALUES').run();
      return [before, count(reader), reader.inTransaction];
    });
    expect(seen).toEqual([1, 1, true]);
    expect(reader.inTransaction).toBe(false);
    expect(count(reader)).toBe(2);
  });

  it('ends its transaction when a read throws', () => {
    const together = readTransaction(reader);
    expect(() => together(() => reader.prepare('SELECT * FROM missing').get())).toThrow(/no such table/);
    expect(reader.inTransaction).toBe(false);
  });

  it('inside a transaction already, runs in that one and leaves it open', () => {
    const together = readTransaction(reader);
    reader.prepare('BEGIN').run();
    expect(together(() => count(reader))).toBe(1);
    expect(reader.inTransaction).toBe(true);
    reader.prepare('ROLLBACK').run();
  });
});
