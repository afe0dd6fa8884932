/**
 * How the worker leaves a message. Final states: done, ignored, rejected, dead. `retry` waits
 * for `after` and is tried again. Every value says why, so nothing ends without a reason.
 */
export type Outcome =
  | { state: 'done'; detail?: Record<string, unknown> }
  | { state: 'ignored'; reason: string }
  | { state: 'rejected'; error: string; message?: string; notice: string }
  | { state: 'retry'; after: number; reason: string }
  | { state: 'dead'; reason: string };

/** What routing learned about a message, kept on its row for the trace and for de-duplication. */
export interface Routing {
  key?: string;
  keySource?: string;
  handler?: string;
}

export interface TraceEvent {
  at: number;
  attempt: number;
  kind: string;
  detail?: Record<string, unknown>;
}
