/** What a thrown error says about the next attempt. */
export type Failure = { kind: 'transient'; reason: string } | { kind: 'deterministic'; reason: string };

// SQLite's answers about the file, not the statement: busy, locked, out of space, I/O, read-only.
const SQLITE_TEMPORARY = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|PROTOCOL|NOMEM)/;
// Node's system errors (ENOSPC, EIO, ECONNRESET…) and aborted or timed-out requests.
const SYSTEM_CODE = /^E[A-Z0-9]+$/;

/**
 * Only I/O can succeed on a second try. A parser that overflows its stack or refuses a message's
 * structure, or a handler's bug, fails the same way every time: retrying it for hours only
 * burns CPU, so it is a dead letter at once, with the reason.
 */
export function classifyFailure(error: unknown): Failure {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const io =
    (typeof code === 'string' && (SQLITE_TEMPORARY.test(code) || SYSTEM_CODE.test(code))) ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'));
  return io ? { kind: 'transient', reason } : { kind: 'deterministic', reason };
}
