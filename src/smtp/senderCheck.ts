import type { SMTPServerSession } from 'smtp-server';
// The leaf modules, not the barrel: with sender_auth off, mailauth is never loaded.
import type { SenderAuthenticator } from '../auth/authenticator.js';
import { authenticationResultsHeader, withoutClaimedResults } from '../auth/header.js';
import { dmarcRefusal, type SenderPolicy } from '../auth/policy.js';
import type { AuthResults } from '../auth/results.js';
import { headerBlockOf } from '../message/headers.js';
import { owned } from './ownedPages.js';
import { reject, type Verdict } from './verdict.js';

export interface SenderAuth {
  authenticator: SenderAuthenticator;
  policy: SenderPolicy;
  /** RFC 8601's authserv-id: `smtp.hostname`. */
  authservId: string;
}

export type SenderCheck =
  | { kind: 'refused'; verdict: Verdict; results: AuthResults }
  | { kind: 'checked'; results: AuthResults; header: Buffer; chunks: Buffer[]; size: number };

/**
 * End of DATA: authenticate the sender the session saw (after a trusted relay's XFORWARD, the
 * original client), refuse a DMARC `reject` while the sender is still connected, and hand back
 * the message without any Authentication-Results that pretends to be ours, plus our own. From a
 * relay the sender has already left: a 550 would become the relay's bounce to a forged address,
 * so the message is kept and marked instead (the identity policy still refuses it).
 */
export async function checkSender(
  auth: SenderAuth,
  chunks: Buffer[],
  size: number,
  session: SMTPServerSession,
  viaRelay: boolean,
): Promise<SenderCheck> {
  const results = await auth.authenticator.check(chunks, size, {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs || undefined,
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
  });
  const refusal = dmarcRefusal(results, auth.policy);
  if (refusal && !viaRelay) return { kind: 'refused', verdict: reject(550, '5.7.1', refusal), results };
  const header = authenticationResultsHeader(auth.authservId, results);
  return { kind: 'checked', results, header, ...withoutForgedResults(chunks, size, auth.authservId) };
}

function withoutForgedResults(chunks: Buffer[], size: number, authservId: string): { chunks: Buffer[]; size: number } {
  // A header block past the scan limit is left as sent.
  const head = headerBlockOf(chunks, size);
  if (!head || !/authentication-results/i.test(head.toString('latin1'))) return { chunks, size };
  const kept = withoutClaimedResults(head.toString('latin1').slice(0, -2), authservId);
  if (kept === undefined) return { chunks, size };
  const newHead = owned(Buffer.from(`${kept}\r\n`, 'latin1'));
  return { chunks: [newHead, ...dropFront(chunks, head.length)], size: size - head.length + newHead.length };
}

/** The chunks without their first `count` bytes (views, not copies). */
function dropFront(chunks: Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return rest;
}
