import type { DeliveryEntry, Outcome, Routing, StoredMessage } from '../spool/index.js';

/** A failure worth trying again later (the sink or GitLab unavailable); `loud` ones are logged as errors. */
export interface Transient {
  state: 'transient';
  reason: string;
  loud?: boolean;
}

export type Processed = { outcome: Exclude<Outcome, { state: 'retry' }> | Transient; routing?: Routing };

/**
 * Turns one delivery (one accepted recipient of a stored message) into an outcome. What it
 * throws is classified by the worker: I/O is retried, anything else would fail again and is dead.
 */
export type Processor = (message: StoredMessage, delivery: DeliveryEntry, raw: Buffer) => Promise<Processed>;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
  maxAgeMs: number;
}
