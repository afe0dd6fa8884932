import type { Outcome } from '../spool/index.js';
import type { RetryPolicy } from './types.js';

/**
 * After a transient failure: wait twice as long each attempt (capped, ±10 % jitter so a burst of
 * failures does not retry in lockstep), or become a dead letter once attempts or age run out.
 */
export function afterTransient(
  reason: string,
  attempts: number,
  receivedAt: number,
  now: number,
  policy: RetryPolicy,
  random = Math.random,
): Outcome {
  if (attempts >= policy.maxAttempts) return { state: 'dead', reason: `gave up after ${attempts} attempts: ${reason}` };
  if (now - receivedAt >= policy.maxAgeMs)
    return { state: 'dead', reason: `gave up after ${Math.round((now - receivedAt) / 60_000)} minutes: ${reason}` };
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jitter = delay * 0.1 * (2 * random() - 1);
  return { state: 'retry', after: now + Math.round(delay + jitter), reason };
}
