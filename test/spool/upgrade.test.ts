import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { MIGRATIONS } from '../../src/spool/schema.js';
import { tempDir } from '../helpers/postroom.js';

let file: string;
let cleanup: () => void;
beforeEach(() => {
  const made = tempDir();
  cleanup = made.cleanup;
  file = path.join(made.dir, 'spool.db');
});
afterEach(() => cleanup());

/** A spool file as the Postroom before deliveries left it: states on the message rows. */
function writeOldSpool(): void {
  const db = new Database(file);
  db.exec(MIGRATIONS[0]);
  db.exec(MIGRATIONS[1]);
  db.pragma('user_version = 2');
  const insert = db.prepare(
    `INSERT INTO messages (received_at, source, session_id, mail_from, recipients, message_id, size, raw, state,
                           attempts, next_attempt_at, last_error, mail_key, handler, outcome, finished_at)
     VALUES (1000, 'smtp', 's', 'jake@example.com', ?, ?, 5, ?, ?, ?, 2000, ?, ?, ?, ?, ?)`,
  );
  insert.run(
    '["incoming+a@postroom.test"]',
    '<done@x>',
    Buffer.from('hello'),
    'done',
    1,
    null,
    'a',
    'CreateNoteHandler',
    '{"state":"done"}',
    3000,
  );
  insert.run(
    '["incoming+b@postroom.test"]',
    '<dead@x>',
    Buffer.from('world'),
    'dead',
    12,
    'gave up',
    'b',
    null,
    '{"state":"dead","reason":"gave up"}',
    4000,
  );
  db.prepare("INSERT INTO message_events (message, at, attempt, kind) VALUES (2, 3500, 12, 'dead')").run();
  db.close();
}

describe('a spool file written by an earlier Postroom', () => {
  it('keeps every message, its state, attempts, outcome and trace, now on one delivery each', async () => {
    writeOldSpool();
    const spool = Spool.open(file);
    expect(spool.get(1)).toMatchObject({ state: 'done', attempts: 1, key: 'a', handler: 'CreateNoteHandler' });
    expect(spool.deliveriesOf(2)).toEqual([
      expect.objectContaining({
        recipient: 'incoming+b@postroom.test',
        state: 'dead',
        attempts: 12,
        lastError: 'gave up',
        outcome: { state: 'dead', reason: 'gave up' },
      }),
    ]);
    expect(spool.events(2)).toEqual([
      { delivery: spool.deliveriesOf(2)[0].id, at: 3500, attempt: 12, kind: 'dead', detail: undefined },
    ]);
    expect(spool.raw(2)!.toString()).toBe('world');
    expect(spool.countByState()).toEqual({ done: 1, dead: 1 });
    await spool.close();
  });
});

/** A spool file as the Postroom before the slimmer state indexes: 4 KiB pages, events with their own index. */
function writeSpoolBeforeSlimIndexes(): void {
  const db = new Database(file);
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = WAL');
  for (const migration of MIGRATIONS.slice(0, 7)) db.exec(migration);
  db.pragma('user_version = 7');
  const message = db.prepare(
    `INSERT INTO messages (received_at, source, session_id, mail_from, recipients, message_id, size, raw)
     VALUES (1000, 'smtp', 's', 'jake@example.com', ?, ?, 5, ?)`,
  );
  const delivery = db.prepare(
    `INSERT INTO deliveries (message, recipient, state, attempts, budget_from, next_attempt_at, mail_key)
     VALUES (?, ?, ?, ?, 1000, ?, ?)`,
  );
  const event = db.prepare(
    'INSERT INTO message_events (message, delivery, at, attempt, kind, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  message.run('["incoming+a@postroom.test","incoming+b@postroom.test"]', '<two@x>', Buffer.from('first'));
  message.run('["incoming+c@postroom.test"]', '<one@x>', Buffer.from('other'));
  delivery.run(1, 'incoming+a@postroom.test', 'done', 1, 1500, 'a');
  delivery.run(1, 'incoming+b@postroom.test', 'dead', 2, 1500, 'b');
  delivery.run(2, 'incoming+c@postroom.test', 'retry', 1, 1200, null);
  // The two messages' steps interleaved, as routing wrote them.
  event.run(1, 1, 1100, 1, 'claimed', null);
  event.run(2, 3, 1100, 1, 'claimed', null);
  event.run(1, 2, 1101, 1, 'claimed', null);
  event.run(1, 1, 1102, 1, 'done', '{"state":"done"}');
  event.run(2, 3, 1103, 1, 'retry', '{"state":"retry","reason":"busy"}');
  event.run(1, 2, 1104, 2, 'dead', '{"state":"dead","reason":"gave up"}');
  db.close();
}

describe('a spool file written before the slimmer state indexes', () => {
  it('keeps its page size, its trace in order and its states, and routing finds what is due', async () => {
    writeSpoolBeforeSlimIndexes();
    const spool = Spool.open(file, { synchronous: 'NORMAL' });
    expect(spool.db.pragma('page_size', { simple: true })).toBe(4096);
    expect(spool.events(1).map((e) => [e.delivery, e.kind, e.at])).toEqual([
      [1, 'claimed', 1100],
      [2, 'claimed', 1101],
      [1, 'done', 1102],
      [2, 'dead', 1104],
    ]);
    expect(spool.trace(2)!.deliveries[0].events).toEqual([
      { delivery: 3, at: 1100, attempt: 1, kind: 'claimed', detail: undefined },
      { delivery: 3, at: 1103, attempt: 1, kind: 'retry', detail: { state: 'retry', reason: 'busy' } },
    ]);
    expect(spool.countByState()).toEqual({ done: 1, dead: 1, retry: 1 });
    expect(spool.messagesByState('dead').map((m) => m.id)).toEqual([1]);
    expect(spool.messagesByState('done').map((m) => m.id)).toEqual([1]);
    expect(spool.queue.nextDueAt()).toBe(1200);
    const [claimed] = spool.queue.settle(2000, [], 5);
    expect(claimed).toBe(3);
    spool.queue.settle(2001, [{ id: 3, outcome: { state: 'done' }, routing: { key: 'c' } }], 0);
    expect(spool.events(2).map((e) => e.kind)).toEqual(['claimed', 'retry', 'claimed', 'done']);
    expect(spool.queue.doneTwin('<one@x>', 'c')).toBe(2);
    expect(spool.countByState()).toEqual({ done: 2, dead: 1 });
    await spool.close();
  });
});
