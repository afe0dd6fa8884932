import { Worker as Thread, type WorkerOptions } from 'node:worker_threads';
import type { Logger } from '../log/logger.js';
import { THREAD_HEAP_LIMITS } from './heapLimits.js';

export interface SupervisorOptions {
  entry: URL;
  options: WorkerOptions;
  logger: Logger;
  /** The thread's word that it is ready (its first message that passes this test). */
  isReady(message: unknown): boolean;
  /** The thread's word that it could not start, with why; undefined for any other message. */
  startFailure(message: unknown): string | undefined;
  /** Every other message of the current thread. */
  onMessage(message: unknown): void;
  /** Called after each unexpected end, with the ended thread's id, before the restart is scheduled. */
  onExit(threadId: number): void;
  backoff?: { firstMs: number; maxMs: number; stableMs: number };
}

export interface Supervised {
  post(message: unknown): void;
  /** Ends supervision and resolves once the current thread has exited. */
  stop(post: () => void): Promise<void>;
  /** How many times the thread was started again. */
  restarts(): number;
  /** Whether a thread is up and said it is ready. */
  running(): boolean;
}

const DEFAULT_BACKOFF = { firstMs: 1000, maxMs: 30_000, stableMs: 60_000 };

/**
 * Keeps a thread alive for the life of the process: whenever it ends or fails to start, it is
 * started again after a pause that doubles (up to a cap) while it keeps failing, and is back to
 * the first pause once a thread has run for a while. Only the first start may fail the caller:
 * that is a configuration error, not bad luck.
 */
export async function superviseThread(options: SupervisorOptions): Promise<Supervised> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let thread: Thread | undefined;
  let exited: Promise<void> = Promise.resolve();
  let ready = false;
  let stopping = false;
  let restarts = 0;
  let failuresInARow = 0;

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const current = new Thread(options.entry, { resourceLimits: THREAD_HEAP_LIMITS, ...options.options });
      // Read now: a Worker says -1 once it has exited.
      const currentId = current.threadId;
      const startedAt = Date.now();
      thread = current;
      let started = false;
      exited = new Promise((done) => current.once('exit', () => done()));
      current.on('message', (message: unknown) => {
        if (!started && options.isReady(message)) {
          started = ready = true;
          resolve();
          return;
        }
        const failure = options.startFailure(message);
        if (failure !== undefined && !started) reject(new Error(`the thread could not start: ${failure}`));
        else options.onMessage(message);
      });
      current.on('error', (error) =>
        started ? options.logger.error({ err: error }, 'the thread failed') : reject(error),
      );
      current.once('exit', (code) => {
        ready = false;
        if (!started) {
          reject(new Error(`the thread stopped before it was ready (exit ${code})`));
          return;
        }
        if (stopping) return;
        failuresInARow = Date.now() - startedAt >= backoff.stableMs ? 0 : failuresInARow + 1;
        options.logger.error({ code }, 'the thread stopped unexpectedly; starting it again');
        options.onExit(currentId);
        restartLater();
      });
    });

  const restartLater = () => {
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failuresInARow - 1));
    setTimeout(() => {
      if (stopping) return;
      restarts++;
      launch().catch((error: unknown) => {
        failuresInARow++;
        options.logger.error({ err: error, retryInMs: delay }, 'the thread could not restart; trying again');
        if (thread) void thread.terminate().catch(() => undefined);
        restartLater();
      });
    }, delay).unref();
  };

  try {
    await launch();
  } catch (error) {
    await thread?.terminate();
    throw error;
  }
  return {
    post: (message) => thread?.postMessage(message),
    async stop(post) {
      stopping = true;
      if (ready) post();
      else await thread?.terminate();
      await exited;
    },
    restarts: () => restarts,
    running: () => ready,
  };
}
