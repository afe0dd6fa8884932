import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recentRefusals, RefusalLog, Spool, type RcptRefusal } from '../../src/spool/index.js';
import { tempDir } from '../helpers/postroom.js';

const refusal = (n: number): RcptRefusal => ({
  at: 1_800_000_000_000 + n,
  sessionId: `s${n}`,
  clientAddress: '192.0.2.7',
  helo: 'client.example',
  mailFrom: 'a@example.com',
  recipient: `nobody${n}@postroom.test`,
  code: 550,
  reason: '5.1.1 No such recipient here',
});

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('the RCPT refusal log', () => {
  it('writes refusals in batches, newest first when read, and keeps only the newest ones', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'spool.db');
    const spool = Spool.open(file);
    cleanups.push(() => spool.close());
    const log = RefusalLog.open(file, { keep: 3, flushEveryMs: 10 });
    cleanups.push(() => log.close());
    for (let n = 1; n <= 5; n++) log.record(refusal(n));
    expect(recentRefusals(spool.db, 10)).toEqual([]);
    log.flush();
    const kept = recentRefusals(spool.db, 10);
    expect(kept.map((r) => r.recipient)).toEqual([
      'nobody5@postroom.test',
      'nobody4@postroom.test',
      'nobody3@postroom.test',
    ]);
    expect(kept[0]).toMatchObject({ ...refusal(5), id: 5 });
    expect(recentRefusals(spool.db, 10, kept[1].id).map((r) => r.sessionId)).toEqual(['s3']);
  });

  it('keeps a batch it could not write (the file locked by another writer) for the next flush', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'spool.db');
    const spool = Spool.open(file);
    cleanups.push(() => spool.close());
    const errors: unknown[] = [];
    const log = RefusalLog.open(file, { flushEveryMs: 60_000, onError: (error) => errors.push(error) });
    cleanups.push(() => log.close());
    log.record(refusal(1));
    spool.db.exec('BEGIN IMMEDIATE');
    log.flush();
    spool.db.exec('COMMIT');
    expect(errors).toHaveLength(1);
    log.flush();
    expect(recentRefusals(spool.db, 10).map((r) => r.sessionId)).toEqual(['s1']);
  });
});
