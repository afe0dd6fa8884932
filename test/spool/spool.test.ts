import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { Spool, type IncomingMessage } from '../../src/spool/index.js';
import { SpoolWriteLock } from '../../src/spool/writeLock.js';
import { storedId } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';
import { waitFor } from '../helpers/waitFor.js';

const temp = spoolFilePerTest();

function message(body: string | Buffer[], overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  const chunks = typeof body === 'string' ? [Buffer.from(body)] : body;
  return {
    source: 'smtp',
    sessionId: 's1',
    clientAddress: '127.0.0.1',
    helo: 'client.test',
    tls: false,
    mailFrom: 'jake@example.com',
    recipients: ['incoming+key@postroom.test'],
    receivedAt: 1_700_000_000_000,
    messageId: '<m1@example.com>',
    chunks,
    size: chunks.reduce((n, c) => n + c.length, 0),
    ...overrides,
  };
}

describe('spool', () => {
  it('opens in WAL mode with synchronous=FULL', async () => {
    const spool = Spool.open(temp.file);
    expect(spool.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(spool.db.pragma('synchronous', { simple: true })).toBe(2);
    await spool.close();
  });

  it('keeps every envelope field and the exact bytes, and they survive a reopen', async () => {
    const spool = Spool.open(temp.file);
    const result = await spool.store(message('Subject: hi\r\n\r\nbody\r\n', { tls: true, mailFrom: '' }));
    expect(result).toEqual({ stored: true, id: 1 });
    await spool.close();
    const reopened = Spool.open(temp.file);
    expect(reopened.get(1)).toMatchObject({
      id: 1,
      source: 'smtp',
      sessionId: 's1',
      clientAddress: '127.0.0.1',
      helo: 'client.test',
      tls: true,
      mailFrom: '',
      recipients: ['incoming+key@postroom.test'],
      receivedAt: 1_700_000_000_000,
      messageId: '<m1@example.com>',
      state: 'queued',
      attempts: 0,
      nextAttemptAt: 1_700_000_000_000,
    });
    expect(reopened.raw(1)!.toString()).toBe('Subject: hi\r\n\r\nbody\r\n');
    expect(reopened.findByMessageId('<m1@example.com>').map((e) => e.id)).toEqual([1]);
    await reopened.close();
  });

  it('stores a large message once, in a body file beside the spool, and gives back the same bytes', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, 65 + (i % 26)));
    const spool = Spool.open(temp.file);
    const result = await spool.store(message(chunks));
    expect(result.stored).toBe(true);
    const id = (result as { id: number }).id;
    const row = spool.db
      .prepare('SELECT raw IS NULL AS apart, body_file AS bodyFile FROM messages WHERE id = ?')
      .get(id) as {
      apart: number;
      bodyFile: string;
    };
    expect(row.apart).toBe(1);
    expect(statSync(path.join(`${temp.file}-bodies`, row.bodyFile)).size).toBe(40 * 64 * 1024);
    expect(spool.raw(id)!.equals(Buffer.concat(chunks))).toBe(true);
    await spool.close();
  });

  it('keeps a message of up to 16 KiB in its row and puts a larger one (a reply with HTML) in a body file', async () => {
    const spool = Spool.open(temp.file);
    const small = Buffer.alloc(16 * 1024, 'a');
    const larger = Buffer.alloc(16 * 1024 + 1, 'b');
    const ids = await Promise.all([small, larger].map((bytes) => storedId(spool, message([bytes]))));
    const place = spool.db.prepare(
      'SELECT raw IS NULL AS apart, body_file IS NOT NULL AS inFile FROM messages WHERE id = ?',
    );
    expect(ids.map((id) => place.get(id))).toEqual([
      { apart: 0, inFile: 0 },
      { apart: 1, inFile: 1 },
    ]);
    expect(spool.raw(ids[0])!.equals(small)).toBe(true);
    expect(spool.raw(ids[1])!.equals(larger)).toBe(true);
    await spool.close();
  });

  it('reads a spill file from spillOffset on, after the chunks that replace its head', async () => {
    const spool = Spool.open(temp.file);
    // Inline in the row and in a body file: both read the spill file the same way.
    for (const bodyBytes of [1000, 2 * 1024 * 1024]) {
      const original = Buffer.concat([Buffer.from('X-Forged: yes\r\nSubject: s\r\n'), Buffer.alloc(bodyBytes, 66)]);
      const spillFile = spool.spillPath();
      writeFileSync(spillFile, original);
      const head = Buffer.from('Received: ours\r\nSubject: s\r\n');
      const skipped = 'X-Forged: yes\r\nSubject: s\r\n'.length;
      const size = head.length + original.length - skipped;
      const result = await spool.store(message([head], { spillFile, spillOffset: skipped, size }));
      expect(result.stored).toBe(true);
      const raw = spool.raw((result as { id: number }).id)!;
      expect(raw.equals(Buffer.concat([head, original.subarray(skipped)]))).toBe(true);
    }
    await spool.close();
  });

  it('commits the stores of one event-loop turn together', async () => {
    const spool = Spool.open(temp.file);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => spool.store(message(`m${i}`))));
    expect(results.map((r) => (r as { id: number }).id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(spool.countByState()).toEqual({ queued: 50 });
    expect(spool.stats).toEqual({ commits: 1, stored: 50, failed: 0 });
    await spool.close();
  });

  it('counts a transaction once when the writer put several batches in it', async () => {
    const spool = Spool.open(temp.file);
    // The writer running (and its first commit counted) before the test begins.
    await spool.store(message('m0'));
    // Another connection holds SQLite's write lock, so the first batch waits in its transaction
    // while two more batches, from later event-loop turns, reach the writer behind it.
    const holder = new Database(temp.file);
    holder.exec('BEGIN IMMEDIATE');
    const first = spool.store(message('m1'));
    // The writer has taken its turn with m1 alone (and waits on SQLite's lock) before the others leave.
    const lock = new SpoolWriteLock(spool.writeLock);
    await waitFor(() => lock.holder() !== undefined, 10_000, 'the writer in its transaction');
    const second = spool.store(message('m2'));
    await new Promise((resolve) => setImmediate(resolve));
    const third = spool.store(message('m3'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    holder.exec('COMMIT');
    holder.close();
    const results = await Promise.all([first, second, third]);
    expect(results.map((r) => r.stored)).toEqual([true, true, true]);
    // The first message's commit, the waiting batch's, then one for the two that waited together.
    expect(spool.stats).toEqual({ commits: 3, stored: 4, failed: 0 });
    await spool.close();
  });

  it('answers stored:false and leaves nothing half-written when the commit fails', async () => {
    const spool = Spool.open(temp.file);
    // A second, independent connection breaks the file for real: every insert now aborts.
    const saboteur = new Database(temp.file);
    saboteur.exec("CREATE TRIGGER broken BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const big = Array.from({ length: 8 }, () => Buffer.alloc(64 * 1024, 66));
    const result = await spool.store(message(big));
    expect(result).toEqual({ stored: false, reason: 'disk on fire' });
    expect(spool.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
    expect(readdirSync(`${temp.file}-bodies`)).toEqual([]);
    saboteur.close();
    await spool.close();
  });

  it('keeps the good neighbours of a message that cannot be stored', async () => {
    const spool = Spool.open(temp.file);
    const saboteur = new Database(temp.file);
    saboteur.exec(
      "CREATE TRIGGER picky BEFORE INSERT ON messages WHEN NEW.message_id = '<bad@x>' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const results = await Promise.all([
      spool.store(message('a', { messageId: '<a@x>' })),
      spool.store(message('b', { messageId: '<bad@x>' })),
      spool.store(message('c', { messageId: '<c@x>' })),
    ]);
    expect(results.map((r) => r.stored)).toEqual([true, false, true]);
    expect(spool.countByState()).toEqual({ queued: 2 });
    saboteur.close();
    await spool.close();
  });

  it('stores a message with a known source ref once, answering the first id', async () => {
    const spool = Spool.open(temp.file);
    const ref = 'imap:bot@imap.test/INBOX/7/42';
    const first = await spool.store(message('a', { source: 'imap', sourceRef: ref, mailbox: 'serviceDesk' }));
    const again = await spool.store(message('a', { source: 'imap', sourceRef: ref, mailbox: 'serviceDesk' }));
    expect(first).toEqual({ stored: true, id: 1 });
    expect(again).toEqual({ stored: true, id: 1, duplicate: true });
    expect(spool.get(1)).toMatchObject({ source: 'imap', sourceRef: ref, mailbox: 'serviceDesk' });
    expect(spool.countByState()).toEqual({ queued: 1 });
    await spool.close();
  });

  it('reads claimed deliveries with their messages together, leaving out one that is gone', async () => {
    const spool = Spool.open(temp.file);
    const first = await storedId(spool, message('Subject: a\r\n\r\nA\r\n'));
    const second = await storedId(spool, message('Subject: b\r\n\r\nB\r\n', { messageId: '<m2@example.com>' }));
    const [d1, d2] = [first, second].map((id) => spool.deliveriesOf(id)[0].id);
    const claimed = spool.claimed([d2, d1, 999_999]);
    expect([...claimed.keys()]).toEqual([d2, d1]);
    expect(claimed.get(d1)).toEqual({ delivery: spool.delivery(d1), message: spool.message(first) });
    expect(claimed.get(d2)?.message?.messageId).toBe('<m2@example.com>');
    expect(spool.db.inTransaction).toBe(false);
    await spool.close();
  });

  it('refuses a file written by a newer schema', () => {
    const db = new Database(temp.file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => Spool.open(temp.file)).toThrow(/newer Postroom \(schema 99/);
  });
});

describe('body files a crash left behind', () => {
  it('are removed when the writer starts, and the files stored messages point into are kept', async () => {
    const first = Spool.open(temp.file);
    const big = Array.from({ length: 2 }, () => Buffer.alloc(64 * 1024, 67));
    const kept = await first.store(message(big));
    await first.close();
    const bodies = `${temp.file}-bodies`;
    const [inUse] = readdirSync(bodies);
    // What a crash between a batch's fsync and its commit leaves: a file no row points into.
    const hourAndMore = (Date.now() - 61 * 60 * 1000) / 1000;
    const orphan = `${Date.now() - 3_700_000}-0123456789ab`;
    writeFileSync(path.join(bodies, orphan), 'never answered 250');
    // A fresh orphan may be another process's batch about to commit: it is left for a later start.
    const fresh = `${Date.now()}-ba9876543210`;
    writeFileSync(path.join(bodies, fresh), 'in flight elsewhere');
    writeFileSync(path.join(bodies, 'notes.txt'), 'not ours');
    utimesSync(path.join(bodies, orphan), hourAndMore, hourAndMore);
    utimesSync(path.join(bodies, inUse), hourAndMore, hourAndMore);
    utimesSync(path.join(bodies, 'notes.txt'), hourAndMore, hourAndMore);

    const second = Spool.open(temp.file);
    expect(await second.store(message('small'))).toMatchObject({ stored: true });
    await vi.waitFor(() => expect(readdirSync(bodies).sort()).toEqual([fresh, inUse, 'notes.txt'].sort()));
    expect(second.raw((kept as { id: number }).id)!.equals(Buffer.concat(big))).toBe(true);
    await second.close();
  });

  it('are removed a few at a time between commits, so a full folder does not hold up the first 250', async () => {
    const bodies = `${temp.file}-bodies`;
    mkdirSync(bodies, { recursive: true });
    const hourAndMore = (Date.now() - 61 * 60 * 1000) / 1000;
    const ORPHANS = 10_000;
    for (let n = 0; n < ORPHANS; n++) {
      const orphan = path.join(bodies, `${Date.now() - 3_700_000}-${n.toString(16).padStart(12, '0')}`);
      writeFileSync(orphan, '');
      utimesSync(orphan, hourAndMore, hourAndMore);
    }
    const spool = Spool.open(temp.file);
    expect(await spool.store(message('first'))).toMatchObject({ stored: true });
    // Answered while the sweep (40 turns of 256 files) was still on its way.
    expect(readdirSync(bodies).length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(readdirSync(bodies)).toEqual([]), { timeout: 30_000 });
    await spool.close();
  });
});
