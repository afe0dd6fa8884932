// The spool's write turns (issue 13): threads of one process that write the spool wait for each
// other's commit and are woken by it, instead of meeting SQLite's write lock, whose busy handler
// sleeps milliseconds between tries. Each writer here runs with busy_timeout = 0, so SQLite
// would refuse it at once (SQLITE_BUSY) if it ever met the lock held.
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolWriteLock } from '../../src/spool/writeLock.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const THREAD = new URL('./writeLockThread.mjs', import.meta.url);
const temp = spoolFilePerTest();
let threads: Worker[] = [];

beforeEach(() => {
  const db = new Database(temp.file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, writer TEXT NOT NULL)');
  db.close();
});
afterEach(async () => {
  await Promise.all(threads.map((t) => t.terminate()));
  threads = [];
});

function start(role: 'holder' | 'writer', lock: SharedArrayBuffer, gate: SharedArrayBuffer, turns = true) {
  const thread = new Worker(THREAD, { workerData: { file: temp.file, lock, gate, role, turns } });
  threads.push(thread);
  const said = (what?: string) =>
    new Promise<string>((resolve, reject) => {
      const heard = (message: string) => {
        if (what && message !== what) return;
        thread.off('message', heard);
        resolve(message);
      };
      thread.on('message', heard);
      thread.once('error', reject);
    });
  return { thread, said };
}

/** Resolves once `count` tickets were taken: the last thread started is waiting for its turn. */
async function ticketsTaken(lock: SharedArrayBuffer, count: number): Promise<void> {
  while (Atomics.load(new Int32Array(lock), 0) < count) await new Promise((resolve) => setTimeout(resolve, 1));
}

function writers(): string[] {
  const db = new Database(temp.file, { readonly: true });
  try {
    return (db.prepare('SELECT writer FROM rows ORDER BY id').pluck().all() as string[]).slice();
  } finally {
    db.close();
  }
}

/** A holder mid-transaction, then a writer trying to write beside it (waiting for its turn, with turns). */
async function writerBesideHolder(turns: boolean) {
  const lock = SpoolWriteLock.newBuffer();
  const gate = new SharedArrayBuffer(4);
  const holder = start('holder', lock, gate, turns);
  await holder.said('holding');
  const writer = start('writer', lock, gate, turns);
  const written = writer.said();
  if (turns) await ticketsTaken(lock, 2);
  const openGate = () => {
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
  };
  return { holder, written, openGate, lock };
}

describe('the spool write lock', () => {
  it('without turns, a second thread meets SQLite’s lock while the first is mid-transaction', async () => {
    const { holder, written, openGate } = await writerBesideHolder(false);
    expect(await written).toBe('SQLITE_BUSY');
    openGate();
    expect(await holder.said()).toBe('stored');
  });

  it('with turns, the second thread waits for the first one’s commit and then writes', async () => {
    const { holder, written, openGate } = await writerBesideHolder(true);
    openGate();
    expect(await holder.said()).toBe('stored');
    expect(await written).toBe('stored');
    expect(writers()).toEqual(['holder', 'writer']);
  });

  it('a thread that stopped holding its turn hands it on as soon as its end is seen', async () => {
    const { holder, written, lock } = await writerBesideHolder(true);
    const holderId = holder.thread.threadId;
    await holder.thread.terminate();
    // What the supervisor does when a thread exits: the turn moves on now, not when it is stale.
    expect(new SpoolWriteLock(lock).releaseHeldBy(holderId)).toBe(true);
    expect(await written).toBe('stored');
    expect(writers()).toEqual(['writer']);
    // A thread that held nothing has nothing to release.
    expect(new SpoolWriteLock(lock).releaseHeldBy(holderId)).toBe(false);
  });

  it('a thread that died holding its turn holds up the others only until the turn is stale', async () => {
    const { holder, written } = await writerBesideHolder(true);
    await holder.thread.terminate();
    expect(await written).toBe('stored');
    expect(writers()).toEqual(['writer']);
  });
});
