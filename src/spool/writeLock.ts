import type Database from 'better-sqlite3';
import { threadId } from 'node:worker_threads';

// Longer than any transaction should ever hold the spool: past it, the holder is taken to be
// gone (a thread that was terminated mid-transaction, and nobody said so) and the waiter goes
// on without its turn.
const STALE_MS = 2000;
const NEXT = 0;
const SERVING = 1;
// The thread holding the turn (its threadId + 1; 0: none), so whoever sees a thread end can
// end its turn at once (releaseHeldBy).
const HOLDER = 2;

/**
 * The order in which this process's threads write the spool: the writer thread (what says 250),
 * the routing thread and the main thread each wait their turn here, first come first served,
 * and are woken the moment the one before them commits. Without it they meet only at SQLite's
 * write lock, whose busy handler sleeps 1, 2, 5, 10… ms between tries: a commit that found the
 * routing thread mid-transaction lost a millisecond or more, and under load the routing thread
 * spent much of its time asleep. SQLite's lock still decides (other processes, and a holder
 * given up on as stale): this only removes the sleeping.
 */
export class SpoolWriteLock {
  private readonly turns: Int32Array;
  /** Transactions of this thread inside the one that holds the turn (better-sqlite3 nests them as savepoints). */
  private depth = 0;

  constructor(readonly buffer: SharedArrayBuffer = SpoolWriteLock.newBuffer()) {
    this.turns = new Int32Array(buffer);
  }

  /** The memory of a new lock, to share with the threads that will write the spool. */
  static newBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  }

  hold<T>(write: () => T): T {
    if (this.depth > 0) return this.nested(write);
    const ticket = Atomics.add(this.turns, NEXT, 1);
    this.waitFor(ticket);
    const me = threadId + 1;
    Atomics.store(this.turns, HOLDER, me);
    try {
      return this.nested(write);
    } finally {
      Atomics.compareExchange(this.turns, HOLDER, me, 0);
      this.nextTurn();
    }
  }

  /**
   * Ends the turn of a thread that has stopped (its SQLite connection went with it), so the next
   * in line need not wait for the turn to go stale. False when that thread held none.
   */
  releaseHeldBy(stoppedThreadId: number): boolean {
    if (Atomics.compareExchange(this.turns, HOLDER, stoppedThreadId + 1, 0) !== stoppedThreadId + 1) return false;
    this.nextTurn();
    return true;
  }

  /** The thread holding the turn now, if any (the writer thread is inside its transaction once it does). */
  holder(): number | undefined {
    const held = Atomics.load(this.turns, HOLDER);
    return held === 0 ? undefined : held - 1;
  }

  private nextTurn(): void {
    Atomics.add(this.turns, SERVING, 1);
    Atomics.notify(this.turns, SERVING);
  }

  private nested<T>(write: () => T): T {
    this.depth++;
    try {
      return write();
    } finally {
      this.depth--;
    }
  }

  private waitFor(ticket: number): void {
    const deadline = Date.now() + STALE_MS;
    for (;;) {
      const serving = Atomics.load(this.turns, SERVING);
      // Tickets wrap at 2³¹: compare by distance, not by size.
      if (((ticket - serving) | 0) <= 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        // The turn before ours never ended: take ours, so the queue behind us moves again.
        Atomics.compareExchange(this.turns, SERVING, serving, ticket);
        return;
      }
      Atomics.wait(this.turns, SERVING, serving, left);
    }
  }
}

/** Every transaction made on `db` from now on (and its `immediate`, `deferred`, `exclusive` forms) takes its turn from `lock`. */
export function takeTurns(db: Database.Database, lock: SpoolWriteLock): void {
  type Run = (...args: unknown[]) => unknown;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Run) => {
    const plain = transaction(fn);
    const held = (run: Run) =>
      function (this: unknown, ...args: unknown[]) {
        return lock.hold(() => run.apply(this, args));
      };
    return Object.assign(held(plain), {
      default: held(plain.default),
      deferred: held(plain.deferred),
      immediate: held(plain.immediate),
      exclusive: held(plain.exclusive),
    });
  }) as typeof db.transaction;
}
