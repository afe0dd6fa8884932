import { AsyncLocalStorage } from 'node:async_hooks';

const spoolMessage = new AsyncLocalStorage<number>();

/**
 * Runs the handling of one spool message so that every mail it causes, however deep in the
 * tracker's events, is recorded against that message for its trace.
 */
export function withSpoolMessage<T>(spoolId: number, run: () => T): T {
  return spoolMessage.run(spoolId, run);
}

/** The spool message being handled, or null (the HTTP API, seeding). */
export function causingSpoolMessage(): number | null {
  return spoolMessage.getStore() ?? null;
}
