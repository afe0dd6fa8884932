import type { Logger } from '../log/logger.js';
import type { Outcome, Spool } from '../spool/index.js';
import { afterTransient } from './backoff.js';
import type { Processor, RetryPolicy } from './types.js';

export interface WorkerOptions {
  spool: Spool;
  process: Processor;
  logger: Logger;
  retry: RetryPolicy;
  /** Messages processed at once. */
  concurrency: number;
  /** How often to look for due retries when nothing wakes the worker. */
  pollMs?: number;
  now?: () => number;
}

export interface Worker {
  /** Look for work now (called when a message has just been stored). */
  wake(): void;
  /** Resolves when nothing is due and nothing is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Claims due messages, runs the processor, and records every outcome with its trace. */
export function startWorker(options: WorkerOptions): Worker {
  const { spool, logger } = options;
  const now = options.now ?? Date.now;
  const queue = spool.queue;
  let inFlight = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const recovered = queue.recoverInterrupted(now());
  if (recovered > 0) logger.warn({ recovered }, 'messages interrupted by a previous stop are queued again');

  async function handle(id: number): Promise<void> {
    const entry = spool.get(id);
    const raw = spool.raw(id);
    const log = logger.child({ spoolId: id, messageId: entry?.messageId });
    if (!entry || !raw) return;
    let outcome: Outcome;
    let routing = {};
    try {
      const processed = await options.process(entry, raw);
      routing = processed.routing ?? {};
      outcome =
        processed.outcome.state === 'transient'
          ? afterTransient(processed.outcome.reason, entry.attempts, entry.receivedAt, now(), options.retry)
          : processed.outcome;
      if (processed.outcome.state === 'transient' && processed.outcome.loud)
        log.error({ reason: processed.outcome.reason }, 'delivery refused: check the configuration');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.error({ err: error }, 'processing failed');
      outcome = afterTransient(reason, entry.attempts, entry.receivedAt, now(), options.retry);
    }
    queue.finish(id, now(), outcome, routing);
    log[outcome.state === 'dead' ? 'error' : 'info'](
      { outcome, ...routing, attempt: entry.attempts },
      `message ${outcome.state}`,
    );
  }

  function pump(): void {
    if (stopped) return;
    clearTimeout(timer);
    const free = options.concurrency - inFlight;
    let ids: number[] = [];
    try {
      ids = free > 0 ? queue.claim(now(), free) : [];
    } catch (error) {
      // The spool busy or failing: nothing is lost, the messages wait for the next look.
      logger.error({ err: error }, 'could not claim messages; trying again shortly');
    }
    for (const id of ids) {
      inFlight++;
      handle(id)
        .catch((error: unknown) => logger.error({ err: error, spoolId: id }, 'could not record the outcome'))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
    if (inFlight === 0) {
      const next = queue.nextDueAt();
      if (next === undefined || next > now()) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
      const wait =
        next === undefined ? (options.pollMs ?? 1000) : Math.max(0, Math.min(next - now(), options.pollMs ?? 1000));
      timer = setTimeout(pump, wait);
    }
  }

  setImmediate(pump);
  return {
    wake: () => setImmediate(pump),
    idle: () =>
      new Promise((resolve) => {
        idleWaiters.push(resolve);
        setImmediate(pump);
      }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}
