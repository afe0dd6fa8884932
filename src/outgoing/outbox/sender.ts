import type { Logger } from '../../log/logger.js';
import type { Mailer } from '../mailer.js';
import type { ClaimedMail, Outbox } from './outbox.js';
import { afterFailure, type RetryPolicy } from './retryPolicy.js';
import type { OutgoingMail } from './types.js';

export interface OutboxSenderOptions {
  outbox: Outbox;
  /** Pooled: as many connections as `concurrency`. */
  mailer: Mailer;
  concurrency: number;
  retry: RetryPolicy;
  logger: Logger;
  /** Runs in the transaction that records the 250 (a thank-you counts as sent only then). */
  onSent?: (mail: OutgoingMail) => void;
  /** How often to look for mail another thread queued; default 1 s. */
  pollMs?: number;
  /** How long a claimed mail stays ours before another sender may take it; default 5 min. */
  leaseMs?: number;
  now?: () => number;
}

export interface OutboxSender {
  /** Look for due mail now (after a commit that queued some). */
  wake(): void;
  /** Resolves once nothing is in flight and nothing is due now (retries later do not count). */
  idle(): Promise<void>;
  /** Stops claiming and waits for the sends in flight. */
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 1000;
const DEFAULT_LEASE_MS = 5 * 60 * 1000;

/**
 * Sends what the outbox holds, `concurrency` at a time, and records each ending: sent on 250,
 * retry with backoff on a 4xx or no answer, dead on a 5xx or past the maximum age.
 */
export function startOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const { outbox, mailer, concurrency, retry } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const log = options.logger.child({ component: 'outbox' });
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    // A fresh macrotask: the commit that queued the mail has finished by then.
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  function pump(): void {
    if (stopped) return;
    clearTimeout(timer);
    let claimed: ClaimedMail[] = [];
    try {
      claimed = outbox.claimDue(concurrency - inFlight.size, leaseMs);
    } catch (error) {
      log.error({ err: error }, 'could not read the outbox; trying again');
    }
    for (const item of claimed) {
      const sending = send(item).finally(() => {
        inFlight.delete(sending);
        schedule();
      });
      inFlight.add(sending);
    }
    if (inFlight.size === 0) settleIdle();
    if (inFlight.size < concurrency) waitForNextDue();
  }

  function waitForNextDue(): void {
    let wait = pollMs;
    try {
      const due = outbox.nextDueAt();
      if (due !== null) wait = Math.max(0, Math.min(due - now(), pollMs));
    } catch {
      // read again at the next poll
    }
    timer = setTimeout(pump, wait);
    timer.unref();
  }

  function settleIdle(): void {
    const due = safeNextDue();
    if (due !== null && due <= now()) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function safeNextDue(): number | null {
    try {
      return outbox.nextDueAt();
    } catch {
      return null;
    }
  }

  async function send({ mail, message }: ClaimedMail): Promise<void> {
    const context = { outboxId: mail.id, messageId: mail.messageId, kind: mail.kind, attempt: mail.attempts };
    const outcome = await mailer.send(message);
    try {
      if (outcome.status === 'sent') {
        const rejected = outcome.rejected.length > 0 ? ` (refused for ${outcome.rejected.join(', ')})` : '';
        outbox.markSent(mail.id, `${outcome.response}${rejected}`, options.onSent);
        return;
      }
      const failure =
        outcome.status === 'failed'
          ? { transient: outcome.transient, reason: outcome.reason }
          : { transient: false, reason: outcome.reason };
      const next = afterFailure(mail, failure, now(), retry);
      if (next.state === 'retry') {
        outbox.markRetry(mail.id, next.at, next.reason);
        log.info(
          { ...context, retryAt: new Date(next.at).toISOString(), reason: next.reason },
          'outgoing mail deferred',
        );
      } else {
        outbox.markDead(mail.id, next.reason);
        log.warn({ ...context, reason: next.reason }, 'outgoing mail is a dead letter');
      }
    } catch (error) {
      // The lease runs out and the mail is tried again: sent twice at worst, never lost.
      log.error({ ...context, err: error }, 'could not record how an outgoing mail went');
    }
  }

  outbox.onQueued(schedule);
  schedule();
  return {
    wake: schedule,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        schedule();
      }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...inFlight]);
      for (const resolve of idleWaiters.splice(0)) resolve();
      idleWaiters = [];
    },
  };
}
