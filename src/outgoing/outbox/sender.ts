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

/** How a send went, to be recorded: the relay's 250, or what the retry policy made of a failure. */
type Ending = { mail: OutgoingMail; sent: string } | { mail: OutgoingMail; next: ReturnType<typeof afterFailure> };
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
  // Sends that came back and wait for the next pump to record them.
  const ended: Ending[] = [];
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
    for (const item of settleAndClaim(concurrency - inFlight.size)) {
      const sending = send(item).finally(() => {
        inFlight.delete(sending);
        schedule();
      });
      inFlight.add(sending);
    }
    if (inFlight.size === 0 && ended.length === 0) settleIdle();
    if (inFlight.size < concurrency) waitForNextDue();
  }

  /**
   * Records the sends that came back since the last look and claims the next ones in one commit:
   * under load that is one fsync for many mails, not two for each.
   */
  function settleAndClaim(limit: number): ClaimedMail[] {
    const endings = ended.splice(0);
    try {
      const claimed = outbox.inOneCommit(() => {
        for (const ending of endings) record(ending);
        return limit > 0 ? outbox.claimDue(limit, leaseMs) : [];
      });
      for (const ending of endings) logEnding(ending);
      return claimed;
    } catch (error) {
      // Nothing of it was written: the endings wait for the next look (or, should the process
      // stop first, the leases run out and the mails go again: sent twice at worst, never lost).
      ended.unshift(...endings);
      log.error({ err: error, unrecorded: endings.length }, 'could not write to the outbox; trying again');
      return [];
    }
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
    const outcome = await mailer.send(message);
    ended.push(
      outcome.status === 'sent'
        ? {
            mail,
            sent: `${outcome.response}${outcome.rejected.length > 0 ? ` (refused for ${outcome.rejected.join(', ')})` : ''}`,
          }
        : {
            mail,
            next: afterFailure(
              mail,
              outcome.status === 'failed'
                ? { transient: outcome.transient, reason: outcome.reason }
                : { transient: false, reason: outcome.reason },
              now(),
              retry,
            ),
          },
    );
  }

  /** Inside the pump's commit; each mail on its own savepoint, so one that fails spares the rest. */
  function record(ending: Ending): void {
    const { mail } = ending;
    try {
      outbox.inOneCommit(() => {
        if ('sent' in ending) outbox.markSent(mail.id, ending.sent, options.onSent);
        else if (ending.next.state === 'retry') outbox.markRetry(mail.id, ending.next.at, ending.next.reason);
        else outbox.markDead(mail.id, ending.next.reason);
      });
    } catch (error) {
      log.error(
        { outboxId: mail.id, messageId: mail.messageId, err: error },
        'could not record how an outgoing mail went',
      );
    }
  }

  function logEnding(ending: Ending): void {
    if ('sent' in ending) return;
    const { mail, next } = ending;
    const context = { outboxId: mail.id, messageId: mail.messageId, kind: mail.kind, attempt: mail.attempts };
    if (next.state === 'retry')
      log.info({ ...context, retryAt: new Date(next.at).toISOString(), reason: next.reason }, 'outgoing mail deferred');
    else log.warn({ ...context, reason: next.reason }, 'outgoing mail is a dead letter');
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
      settleAndClaim(0);
      for (const resolve of idleWaiters.splice(0)) resolve();
      idleWaiters = [];
    },
  };
}
