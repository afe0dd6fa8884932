export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Past this age since it was queued, a mail the relay keeps refusing for now is given up. */
  maxAgeMs: number;
}

export interface SendFailure {
  /** A 4xx, or no answer at all (the relay is down): it may work later. */
  transient: boolean;
  reason: string;
}

export type AfterFailure = { state: 'retry'; at: number; reason: string } | { state: 'dead'; reason: string };

/** What a failed attempt leads to: backoff doubling from `baseMs` up to `maxMs`, or a dead letter. */
export function afterFailure(
  mail: { attempts: number; createdAt: number },
  failure: SendFailure,
  now: number,
  policy: RetryPolicy,
): AfterFailure {
  if (!failure.transient) return { state: 'dead', reason: `the relay refused it for good: ${failure.reason}` };
  if (now - mail.createdAt >= policy.maxAgeMs) {
    const minutes = Math.round((now - mail.createdAt) / 60_000);
    return {
      state: 'dead',
      reason: `not taken after ${mail.attempts} attempt(s) over ${minutes} min: ${failure.reason}`,
    };
  }
  const delay = Math.min(policy.baseMs * 2 ** Math.max(0, mail.attempts - 1), policy.maxMs);
  return { state: 'retry', at: now + delay, reason: failure.reason };
}
