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
