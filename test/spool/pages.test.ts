import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Spool, type IncomingMessage } from '../../src/spool/index.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();

function message(n: number): IncomingMessage {
  const bytes = Buffer.from(`Message-ID: <p${n}@example.com>\r\nSubject: pages\r\n\r\n${'x'.repeat(1000)}\r\n`);
  return {
    source: 'smtp',
    sessionId: `s${n}`,
    tls: false,
    mailFrom: 'jake@example.com',
    recipients: ['incoming+key@postroom.test'],
    receivedAt: 1_700_000_000_000 + n,
    messageId: `<p${n}@example.com>`,
    chunks: [bytes],
    size: bytes.length,
  };
}

/**
 * Frames (one per page) the WAL has gained since it was last emptied: what a commit costs, as the
 * same pages are written again when the checkpoint moves them into the file.
 */
function walFrames(spool: Spool): number {
  const pageSize = spool.db.pragma('page_size', { simple: true }) as number;
  const size = statSync(`${temp.file}-wal`).size;
  return size === 0 ? 0 : (size - 32) / (pageSize + 24);
}

async function storedAndQuiet(count: number): Promise<Spool> {
  const spool = Spool.open(temp.file, { synchronous: 'NORMAL' });
  for (let n = 0; n < count; n++) expect(await spool.store(message(n))).toMatchObject({ stored: true });
  // Warm up every B-tree a claim and an outcome touch, then start from an empty WAL.
  for (const id of spool.queue.settle(1_800_000_000_000, [], 1))
    spool.queue.settle(1_800_000_000_000, [{ id, outcome: { state: 'done' } }], 0);
  spool.db.pragma('wal_autocheckpoint = 0');
  spool.db.pragma('wal_checkpoint(TRUNCATE)');
  return spool;
}

describe('the pages a state change writes', () => {
  it('gives a new spool file 2 KiB pages, and the routing connection the checkpoints', async () => {
    const routing = Spool.open(temp.file, { synchronous: 'NORMAL' });
    const writer = Spool.open(temp.file);
    expect(routing.db.pragma('page_size', { simple: true })).toBe(2048);
    // 4 MiB of WAL for the routing connection; the others only if it grows twice that.
    expect(routing.db.pragma('wal_autocheckpoint', { simple: true })).toBe(2048);
    expect(writer.db.pragma('wal_autocheckpoint', { simple: true })).toBe(4096);
    await writer.close();
    await routing.close();
  });

  it('a claim and an outcome each write about three pages: the delivery, the open index, the trace', async () => {
    const spool = await storedAndQuiet(60);
    let claims = 0;
    let outcomes = 0;
    for (let n = 0; n < 40; n++) {
      const before = walFrames(spool);
      const [id] = spool.queue.settle(1_800_000_000_000 + n, [], 1);
      const claimed = walFrames(spool);
      spool.queue.settle(1_800_000_000_000 + n, [{ id, outcome: { state: 'done' } }], 0);
      claims += claimed - before;
      outcomes += walFrames(spool) - claimed;
    }
    // Now and then a row outgrows its page: a split writes two more (the new page and its parent).
    expect(claims / 40).toBeLessThanOrEqual(3.5);
    expect(outcomes / 40).toBeLessThanOrEqual(3.5);
    expect(spool.countByState()).toEqual({ queued: 19, done: 41 });
    await spool.close();
  });

  it('a store writes about seven pages besides the bytes of the message', async () => {
    const spool = await storedAndQuiet(10);
    for (let n = 10; n < 30; n++) expect(await spool.store(message(n))).toMatchObject({ stored: true });
    // The row (with the bytes), the Message-ID and source indexes, the delivery and its two
    // indexes, and the file's header page when the file grows; the parent of a new leaf.
    expect(walFrames(spool) / 20).toBeLessThanOrEqual(8);
    await spool.close();
  });
});
