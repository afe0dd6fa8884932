/**
 * Every SMTP decision is one of these values; `toSmtpError` is the only translation into the
 * library's error convention, so a decision can never fall back to the library's default code.
 */
export type Verdict =
  | { kind: 'accept' }
  | { kind: 'tempfail'; code: number; status: string; text: string }
  | { kind: 'reject'; code: number; status: string; text: string };

/** A verdict that is not `accept`: it carries the reply. */
export type Refusal = Exclude<Verdict, { kind: 'accept' }>;

export const accept = (): Verdict => ({ kind: 'accept' });
export const tempfail = (code: number, status: string, text: string): Refusal => ({
  kind: 'tempfail',
  code,
  status,
  text,
});
export const reject = (code: number, status: string, text: string): Refusal => ({ kind: 'reject', code, status, text });

export const REFUSED = {
  relay: reject(550, '5.7.1', 'Relaying denied: this server only accepts mail for its own domains'),
  unknownRecipient: reject(550, '5.1.1', 'No such recipient here'),
  tooManyRecipients: tempfail(452, '4.5.3', 'Too many recipients for one message'),
  storageFailed: tempfail(451, '4.3.0', 'Local error while storing the message, try again later'),
  lookupUnavailable: tempfail(451, '4.3.0', 'Cannot check this recipient right now, try again later'),
  bareLineEnding: reject(550, '5.5.2', 'Message contains a bare CR or LF; lines must end with CRLF'),
  tooLarge: reject(552, '5.3.4', 'Message exceeds the maximum message size'),
  tooManyConnections: tempfail(421, '4.7.0', 'Too many connections from your address, try again later'),
  unsynchronizedPipelining: reject(554, '5.5.0', 'SMTP protocol synchronization: message content sent before 354'),
} as const;

export interface SmtpError extends Error {
  responseCode: number;
}

/** The enhanced status code leads the text; the patch in enhancedStatus.ts keeps it from being doubled. */
export function toSmtpError(verdict: Refusal): SmtpError {
  const error = new Error(`${verdict.status} ${verdict.text}`) as SmtpError;
  error.responseCode = verdict.code;
  return error;
}
