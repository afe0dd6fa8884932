import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/spool/batchWriter.js';
import { BodyFiles, bodyDirOf } from '../../src/spool/bodyFiles.js';
import { openSpoolDatabase } from '../../src/spool/database.js';
import { WorkQueue } from '../../src/spool/queue.js';
import { SpoolReads } from '../../src/spool/reads.js';
import { incomingMessage } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();
const NOW = 1_800_000_000_000;

function message(n: number) {
  const messageId = `<p${n}@example.com>`;
  return incomingMessage(`Message-ID: ${messageId}\r\nSubject: pages\r\n\r\n${'x'.repeat(1000)}\r\n`, { messageId });
}

/**
 * The spool's writing parts on one connection and no thread, so nothing checkpoints or restarts
 * the WAL behind the test's back: each commit's pages stay in it to be counted.
 */
function spoolWith(messages: number) {
  const db = openSpoolDatabase(temp.file);
  const bodies = new BodyFiles(bodyDirOf(temp.file));
  const writer = new BatchWriter(db, bodies);
  const queue = new WorkQueue(db);
  for (let n = 0; n < messages; n++) expect(writer.write([message(n)]).results[0]).toMatchObject({ stored: true });
  // Every B-tree a claim and an outcome touch has a page by now; then start from an empty WAL.
  for (const id of queue.settle(NOW, [], 1)) queue.settle(NOW, [{ id, outcome: { state: 'done' } }], 0);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, writer, queue, reads: new SpoolReads(db, bodies) };
}

/** Frames (one per page) in the WAL: what the commits since it was emptied wrote, and the checkpoint will write again. */
function walFrames(db: Database.Database): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const size = statSync(`${temp.file}-wal`).size;
  return size === 0 ? 0 : (size - 32) / (pageSize + 24);
}

describe('the pages a state change writes', () => {
  it('gives a new spool file 2 KiB pages', () => {
    const db = openSpoolDatabase(temp.file);
    expect(db.pragma('page_size', { simple: true })).toBe(2048);
    db.close();
  });

  it('keeps every write statement free of temporary B-trees (an IN list of three or more builds one per run)', () => {
    const db = openSpoolDatabase(temp.file);
    const writes = [
      "INSERT INTO deliveries (message, recipient, budget_from, next_attempt_at) VALUES (1, 'a', 1, 1)",
      "UPDATE deliveries SET state = 'processing', attempts = attempts + 1 WHERE id = 1",
      "UPDATE deliveries SET state = 'done', outcome = '{}', finished_at = 1, mail_key = coalesce('k', mail_key) WHERE id = 1",
    ];
    for (const sql of writes) {
      const opcodes = (db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string }[]).map((row) => row.opcode);
      expect(opcodes).not.toContain('OpenEphemeral');
    }
    db.close();
  });

  it('a claim and an outcome each write about three pages: the delivery, the open index, the trace', () => {
    const { db, queue, reads } = spoolWith(60);
    let claims = 0;
    let outcomes = 0;
    for (let n = 0; n < 40; n++) {
      const before = walFrames(db);
      const [id] = queue.settle(NOW + n, [], 1);
      const claimed = walFrames(db);
      queue.settle(NOW + n, [{ id, outcome: { state: 'done' } }], 0);
      claims += claimed - before;
      outcomes += walFrames(db) - claimed;
      expect(reads.events(reads.delivery(id)!.message).map((e) => e.kind)).toEqual(['claimed', 'done']);
    }
    // Now and then a row outgrows its page: the split writes two more (the new page and its parent).
    expect(claims / 40).toBeLessThanOrEqual(3.5);
    expect(outcomes / 40).toBeLessThanOrEqual(3.5);
    expect(reads.countByState()).toEqual({ queued: 19, done: 41 });
    db.close();
  });

  it('a store writes about seven pages besides the bytes of the message', () => {
    const { db, writer } = spoolWith(10);
    for (let n = 10; n < 30; n++) expect(writer.write([message(n)]).results[0]).toMatchObject({ stored: true });
    // The row (with the bytes), the Message-ID and source indexes, the delivery and its two
    // indexes, and the file's header page as the file grows; now and then the parent of a new leaf.
    expect(walFrames(db) / 20).toBeLessThanOrEqual(8);
    db.close();
  });
});
