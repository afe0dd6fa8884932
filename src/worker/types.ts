import type { Outcome, Routing, SpoolEntry } from '../spool/index.js';

/** A failure worth trying again later (the sink or GitLab unavailable); `loud` ones are logged as errors. */
export interface Transient {
  state: 'transient';
  reason: string;
  loud?: boolean;
}

export type Processed = { outcome: Exclude<Outcome, { state: 'retry' }> | Transient; routing?: Routing };

/** Turns one spooled message into an outcome. Throwing counts as a transient failure. */
export type Processor = (entry: SpoolEntry, raw: Buffer) => Promise<Processed>;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
  maxAgeMs: number;
}
