// A delivery is recorded done only once what routing wrote to the sink is on disk. The routing
// thread's tracker connection commits without an fsync each; the worker makes the attempts'
// writes durable once per settle, before it records their outcomes.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { Spool } from '../../src/spool/index.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import type { Processor } from '../../src/worker/types.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { tempDir } from '../helpers/postroom.js';
import { incomingMessage, storedId } from '../helpers/incoming.js';

const MESSAGES = 8;
let made: { dir: string; cleanup: () => void };
let spool: Spool;
let tracker: Tracker;
let worker: Worker | undefined;

beforeEach(() => {
  made = tempDir();
  spool = Spool.open(path.join(made.dir, 'spool.db'));
  tracker = openTracker(path.join(made.dir, 'tracker.db'), { commits: 'grouped' });
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  tracker.close();
  await spool.close();
  made.cleanup();
});

async function storeMessages(): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < MESSAGES; i++)
    ids.push(
      await storedId(
        spool,
        incomingMessage(`Subject: m${i}\r\nMessage-ID: <m${i}@example.com>\r\n\r\nHello\r\n`, { sessionId: `s${i}` }),
      ),
    );
  return ids;
}

/**
 * Each attempt leaves a user in the tracker: the effect that must be durable before `done`. A
 * second attempt finds it (as handlers find theirs by idempotency key).
 */
const creatingUsers: Processor = async (message) => {
  if (tracker.userByUsername(`u${message.id}`)) return { outcome: { state: 'done' } };
  const user = tracker.createUser({ username: `u${message.id}`, email: `u${message.id}@example.com` });
  if (!user.saved) throw new Error(user.errors.join(', '));
  return { outcome: { state: 'done' } };
};

function start(makeDurable: () => void): Worker {
  return startWorker({
    spool,
    process: creatingUsers,
    makeDurable,
    logger: createLogger('silent'),
    concurrency: MESSAGES,
    retry: { baseMs: 10, maxMs: 10, maxAttempts: 5, maxAgeMs: 60_000 },
    pollMs: 20,
  });
}

describe('durable effects before outcomes', () => {
  it('makes the attempts’ writes durable once for all of them, before any is recorded done', async () => {
    const ids = await storeMessages();
    const statesAtSync: string[][] = [];
    worker = start(() => {
      statesAtSync.push(ids.map((id) => spool.get(id)!.state));
      tracker.makeDurable();
    });
    await worker.idle();
    expect(ids.map((id) => spool.get(id)!.state)).toEqual(ids.map(() => 'done'));
    // One settle recorded the eight (their attempts ended together): one sync, not eight.
    expect(statesAtSync).toEqual([ids.map(() => 'processing')]);
    expect(tracker.userByUsername(`u${ids[0]}`)).not.toBeNull();
  });

  it('records nothing as done while the sync fails, and routes again once it works', async () => {
    const ids = await storeMessages();
    let failures = 2;
    worker = start(() => {
      if (failures-- > 0) throw new Error('EIO: i/o error, fsync');
      tracker.makeDurable();
    });
    await worker.idle();
    expect(ids.map((id) => spool.get(id)!.state)).toEqual(ids.map(() => 'done'));
    const kinds = spool.events(ids[0]).map((event) => event.kind);
    // The failed sync made the first attempt a failed one: released, claimed again, then done.
    expect(kinds.filter((kind) => kind === 'unrecorded').length).toBeGreaterThanOrEqual(1);
    expect(kinds.at(-1)).toBe('done');
    expect(spool.events(ids[0]).find((event) => event.kind === 'unrecorded')?.detail).toMatchObject({
      reason: expect.stringContaining('EIO'),
    });
  });
});
