/** What a thrown error says about the next attempt. */
export type Failure = { kind: 'transient'; reason: string } | { kind: 'deterministic'; reason: string };

// SQLite's answers about the file, not the statement: busy, locked, out of space, I/O, read-only.
const SQLITE_TEMPORARY = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|PROTOCOL|NOMEM)/;
// The network and the disk: codes that say nothing about the message. (A library's own codes,
// such as mailsplit's EMAXLEN for too many MIME parts, look alike but are verdicts on the message.)
const IO_CODES = new Set([
  'EIO',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EAGAIN',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Only I/O can succeed on a second try. A parser that overflows its stack or refuses a message's
 * structure, or a handler's bug, fails the same way every time: retrying it for hours only
 * burns CPU, so it is a dead letter at once, with the reason.
 */
export function classifyFailure(error: unknown): Failure {
  const reason = error instanceof Error ? error.message : String(error);
  return isIo(error) || isIo((error as { cause?: unknown } | null)?.cause)
    ? { kind: 'transient', reason }
    : { kind: 'deterministic', reason };
}

function isIo(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return SQLITE_TEMPORARY.test(code) || IO_CODES.has(code) || code.startsWith('UND_ERR_');
}
