import type { Logger } from '../log/logger.js';
import type { ClaimedDelivery, DeliveryEntry, Outcome, Routing, Spool, StoredMessage } from '../spool/index.js';
import { afterTransient } from './backoff.js';
import { BytesInFlight } from './bytesInFlight.js';
import { classifyFailure } from './failure.js';
import type { Processor, RetryPolicy } from './types.js';

export interface WorkerOptions {
  spool: Spool;
  process: Processor;
  /**
   * Puts on disk what the attempts wrote to the sink, before their outcomes are recorded: a
   * delivery is `done` only once its effect is durable. Called once per settle, for all of them.
   */
  makeDurable?: () => void;
  logger: Logger;
  retry: RetryPolicy;
  /** Deliveries processed at once. */
  concurrency: number;
  /** Bytes of messages processed at once (see BytesInFlight); unbounded when absent. */
  memoryBudget?: number;
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

const DEFAULT_POLL_MS = 1000;
// How long an ending may wait for others to be recorded with it.
const SETTLE_WITHIN_MS = 20;

interface Ended {
  delivery: DeliveryEntry;
  outcome: Outcome;
  routing: Routing;
}

/**
 * Claims due deliveries, runs the processor, and records every outcome with its trace. The spool
 * failing is never the loop's end: a claim that fails is tried at the next look, an outcome that
 * cannot be written makes that attempt a failed one, put back in line once the spool answers.
 */
export function startWorker(options: WorkerOptions): Worker {
  const { spool, logger } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const queue = spool.queue;
  const bytes = new BytesInFlight(options.memoryBudget ?? Infinity);
  let inFlight = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // A settle waiting for more endings to record together, and one already queued to run.
  let settleTimer: NodeJS.Timeout | undefined;
  let scheduled = false;
  // Attempts that ended and wait for the next settle to be written.
  const ended: Ended[] = [];
  let idleWaiters: (() => void)[] = [];
  let recovered = false;
  // Deliveries whose attempt ended but could not be written: still `processing` on disk.
  const unrecorded = new Map<number, string>();
  // In flight when the routing before this one stopped: each is routed alone, so a message that
  // kills routing is told from the ones that only happened to be in flight with it.
  const suspects = new Set<number>();

  function recover(): void {
    if (recovered) return;
    const { requeued, dead } = queue.recoverInterrupted(now());
    recovered = true;
    for (const id of requeued) suspects.add(id);
    if (requeued.length > 0)
      logger.warn(
        { recovered: requeued.length },
        'deliveries interrupted by a previous stop are queued again, to be routed one at a time',
      );
    for (const delivery of dead)
      logger.error(
        { delivery, outcome: 'dead' },
        'delivery dead: routing stopped under it time after time (the routing thread died while routing it)',
      );
  }

  function releaseUnrecorded(): void {
    for (const [id, reason] of unrecorded) {
      queue.releaseUnrecorded(id, now(), reason);
      unrecorded.delete(id);
    }
  }

  async function attempt({ delivery, message }: ClaimedDelivery): Promise<{ outcome: Outcome; routing: Routing }> {
    if (!message) return gone();
    // The bytes are read only once the message's size fits in what routing may hold.
    const release = await bytes.hold(message.size);
    try {
      const raw = spool.raw(delivery.message);
      return raw ? await processRead(delivery, message, raw) : gone();
    } finally {
      release();
    }
  }

  function gone(): { outcome: Outcome; routing: Routing } {
    return { outcome: { state: 'dead', reason: 'the message is gone from the spool' }, routing: {} };
  }

  async function processRead(
    delivery: DeliveryEntry,
    message: StoredMessage,
    raw: Buffer,
  ): Promise<{ outcome: Outcome; routing: Routing }> {
    const log = logger.child({ spoolId: message.id, delivery: delivery.id, messageId: message.messageId });
    const retryOrDead = (reason: string) =>
      afterTransient(reason, delivery.attempts, delivery.budgetFrom, now(), options.retry);
    try {
      const processed = await options.process(message, delivery, raw);
      const outcome = processed.outcome;
      if (outcome.state === 'transient' && outcome.loud)
        log.error({ reason: outcome.reason }, 'delivery refused: check the configuration');
      return {
        outcome: outcome.state === 'transient' ? retryOrDead(outcome.reason) : outcome,
        routing: processed.routing ?? {},
      };
    } catch (error) {
      const failure = classifyFailure(error);
      log.error({ err: error, failure: failure.kind }, 'processing failed');
      return {
        outcome:
          failure.kind === 'transient'
            ? retryOrDead(failure.reason)
            : { state: 'dead', reason: `routing failed and would fail again: ${failure.reason}` },
        routing: {},
      };
    }
  }

  async function handle(work: ClaimedDelivery): Promise<void> {
    try {
      ended.push({ delivery: work.delivery, ...(await attempt(work)) });
    } catch (error) {
      unreadable(work.delivery.id, error);
    }
  }

  /** A claimed delivery whose rows or bytes could not be read: a failed attempt, put back in line. */
  function unreadable(id: number, error: unknown): void {
    const reason = `could not read the delivery: ${error instanceof Error ? error.message : String(error)}`;
    logger.error({ err: error, delivery: id }, `${reason}; the attempt counts as failed`);
    unrecorded.set(id, reason);
  }

  /** Records what ended since the last look and claims what is due, in one spool transaction. */
  function settle(endings: Ended[], free: number, among?: readonly number[]): number[] {
    try {
      if (endings.length > 0) options.makeDurable?.();
      const ids = queue.settle(
        now(),
        endings.map(({ delivery, outcome, routing }) => ({ id: delivery.id, outcome, routing })),
        free,
        among,
      );
      for (const { delivery, outcome, routing } of endings)
        logger[outcome.state === 'dead' ? 'error' : 'info'](
          { spoolId: delivery.message, delivery: delivery.id, outcome, ...routing, attempt: delivery.attempts },
          `delivery ${outcome.state}`,
        );
      return ids;
    } catch (error) {
      const reason = `could not record the outcome: ${error instanceof Error ? error.message : String(error)}`;
      for (const { delivery } of endings) {
        logger.error({ err: error, delivery: delivery.id }, `${reason}; the attempt counts as failed`);
        unrecorded.set(delivery.id, reason);
      }
      throw error;
    }
  }

  /** Records the endings and claims what may start now: a suspect alone, or as many as are free. */
  function settleAndClaim(endings: Ended[]): number[] {
    for (const { delivery } of endings) suspects.delete(delivery.id);
    if (suspects.size === 0) return settle(endings, options.concurrency - inFlight);
    const ids = settle(endings, inFlight === 0 ? 1 : 0, [...suspects]);
    if (ids.length > 0 || inFlight > 0) return ids;
    // None of them is due any more (replayed, purged, or finished by hand): the rest go on as usual.
    suspects.clear();
    return settle([], options.concurrency);
  }

  function pump(): void {
    scheduled = false;
    clearTimeout(settleTimer);
    settleTimer = undefined;
    if (stopped) return;
    clearTimeout(timer);
    const endings = ended.splice(0);
    let ids: number[] = [];
    let next: number | undefined;
    try {
      recover();
      releaseUnrecorded();
    } catch (error) {
      ended.unshift(...endings);
      spoolFailing(error);
      return;
    }
    try {
      ids = settleAndClaim(endings);
      next = inFlight + ids.length === 0 ? queue.nextDueAt() : undefined;
    } catch (error) {
      spoolFailing(error);
      return;
    }
    for (const work of readClaimed(ids)) {
      inFlight++;
      handle(work)
        .finally(() => {
          inFlight--;
          attemptEnded();
        })
        .catch((error: unknown) => logger.error({ err: error, delivery: work.delivery.id }, 'the worker loop failed'));
    }
    if (inFlight === 0) {
      if (unrecorded.size === 0 && (next === undefined || next > now())) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
      const wait = next === undefined ? pollMs : Math.max(0, Math.min(next - now(), pollMs));
      timer = setTimeout(pump, unrecorded.size > 0 ? pollMs : wait);
    }
  }

  /** What was just claimed, read together; if that read fails, each counts as a failed attempt. */
  function readClaimed(ids: number[]): ClaimedDelivery[] {
    if (ids.length === 0) return [];
    try {
      // A delivery deleted since its claim is left out: there is nothing to route or record.
      return [...spool.claimed(ids).values()];
    } catch (error) {
      for (const id of ids) unreadable(id, error);
      return [];
    }
  }

  // The spool busy or failing: nothing is lost, the deliveries wait for the next look.
  function spoolFailing(error: unknown): void {
    logger.error({ err: error }, 'the spool is failing; looking again shortly');
    timer = setTimeout(pump, pollMs);
  }

  /**
   * A slot is free. Under load the endings are recorded (and slots refilled) a few at a time, so
   * the write lock is taken once for several deliveries; one alone, or the last, goes at once.
   */
  function attemptEnded(): void {
    if (inFlight === 0 || ended.length >= Math.ceil(options.concurrency / 2)) schedule();
    else settleTimer ??= setTimeout(schedule, SETTLE_WITHIN_MS);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  }

  schedule();
  return {
    wake: schedule,
    idle: () =>
      new Promise((resolve) => {
        idleWaiters.push(resolve);
        schedule();
      }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const endings = ended.splice(0);
      // What ended while stopping is recorded; if even that fails, the next start takes it up again.
      if (endings.length > 0) {
        try {
          settle(endings, 0);
        } catch {
          // logged by settle; the deliveries stay `processing` for the next start to recover
        }
      }
    },
  };
}
