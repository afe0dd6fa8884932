import type { TrackerContext } from './types.js';

export interface Application<T> {
  result: T;
  /** Only effects are remembered: a refused action may be retried and succeed later. */
  keep: boolean;
  /**
   * Domain events, never for a replay. They run inside the transaction, so what listeners write
   * (the outbox's mail) commits with the action or not at all.
   */
  announce?: () => void;
}

/**
 * Applies an action at most once per idempotency key: the check, the effect and the record of the
 * result share one transaction, so a re-delivered message gets the first result and changes nothing.
 * A null key (a direct API call) always applies.
 */
export function applyOnce<T>(ctx: TrackerContext, key: string | null, apply: () => Application<T>): T {
  return ctx.db
    .transaction((): T => {
      if (key !== null) {
        const row = ctx.prepare('SELECT result FROM applied_actions WHERE idempotency_key = ?').get(key) as
          { result: string } | undefined;
        if (row) return JSON.parse(row.result) as T;
      }
      const application = apply();
      if (key !== null && application.keep) {
        ctx
          .prepare('INSERT INTO applied_actions (idempotency_key, result, applied_at) VALUES (?, ?, ?)')
          .run(key, JSON.stringify(application.result), ctx.now());
      }
      application.announce?.();
      return application.result;
    })
    .immediate();
}

/** The result of an action already applied under this key, if any. */
export function appliedResult<T>(ctx: TrackerContext, key: string): T | undefined {
  const row = ctx.prepare('SELECT result FROM applied_actions WHERE idempotency_key = ?').get(key) as
    { result: string } | undefined;
  return row ? (JSON.parse(row.result) as T) : undefined;
}
