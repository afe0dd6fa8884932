import { availableParallelism } from 'node:os';
import { startAuthThread, type AuthThread, type AuthThreadOptions } from './authThread.js';

export interface AuthPool extends AuthThread {
  /** Threads started so far. */
  size(): number;
}

// Each thread holds mailauth and its caches (about 30 MiB): a second one takes a burst's other
// half, and more would cost memory for bursts no mail site sees.
const MAX_THREADS = 2;

/**
 * Up to two authentication threads (no more than the cores), for signed mail. A burst of signed
 * messages arrives together (each connection's next message follows its 250), and one thread
 * checks them one after another while a core it could share sits idle. A thread is started only when every
 * running one has a check waiting, so a quiet server keeps one.
 */
export function startAuthPool(
  options: AuthThreadOptions,
  limit = Math.min(MAX_THREADS, availableParallelism()),
): AuthPool {
  const threads: AuthThread[] = [];
  const leastBusy = (): AuthThread => {
    let chosen = threads[0];
    for (const thread of threads) if (thread.waiting() < chosen.waiting()) chosen = thread;
    if (threads.length < limit && (chosen === undefined || chosen.waiting() > 0)) {
      chosen = startAuthThread(options);
      threads.push(chosen);
    }
    return chosen;
  };
  return {
    check: (source, client) => leastBusy().check(source, client),
    size: () => threads.length,
    waiting: () => threads.reduce((sum, thread) => sum + thread.waiting(), 0),
    async close() {
      await Promise.all(threads.splice(0).map((thread) => thread.close()));
    },
  };
}
