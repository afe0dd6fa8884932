import type { SMTPServerSession } from 'smtp-server';
// The leaf modules, not the barrel: with sender_auth off, mailauth is never loaded.
import type { SenderAuthenticator } from '../auth/authenticator.js';
import { authenticationResultsHeader, withoutClaimedResults } from '../auth/header.js';
import { dmarcRefusal, type SenderPolicy } from '../auth/policy.js';
import type { AuthResults } from '../auth/results.js';
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
  | { kind: 'checked'; results: AuthResults; header: Buffer; chunks: Buffer[]; size: number; spillOffset?: number };

/** The message as the collector holds it: in memory, or (chunks empty) whole in a spill file. */
export interface CollectedBytes {
  chunks: Buffer[];
  size: number;
  spill?: { path: string };
  /** Its header block as it arrived (see messageCollector), undefined past the scan limit. */
  head?: Buffer;
}

/**
 * End of DATA: authenticate the sender the session saw (after a trusted relay's XFORWARD, the
 * original client), refuse a DMARC `reject` while the sender is still connected, and hand back
 * the message without any Authentication-Results that pretends to be ours, plus our own. From a
 * relay the sender has already left: a 550 would become the relay's bounce to a forged address,
 * so the message is kept and marked instead (the identity policy still refuses it).
 */
export async function checkSender(
  auth: SenderAuth,
  collected: CollectedBytes,
  session: SMTPServerSession,
  viaRelay: boolean,
): Promise<SenderCheck> {
  const { chunks, size, head } = collected;
  const spillFile = collected.spill?.path;
  const results = await auth.authenticator.check(
    { head, chunks, size, spillFile },
    {
      ip: session.remoteAddress,
      helo: session.hostNameAppearsAs || undefined,
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    },
  );
  const refusal = dmarcRefusal(results, auth.policy);
  if (refusal && !viaRelay) return { kind: 'refused', verdict: reject(550, '5.7.1', refusal), results };
  const header = authenticationResultsHeader(auth.authservId, results);
  const cleanHead = head ? withoutForgedResults(head, auth.authservId) : undefined;
  if (!head || !cleanHead) return { kind: 'checked', results, header, chunks, size };
  return {
    kind: 'checked',
    results,
    header,
    chunks: [cleanHead, ...dropFront(chunks, head.length)],
    size: size - head.length + cleanHead.length,
    // A spilled message's cleaned head is in memory: the file is read from after its own.
    spillOffset: spillFile === undefined ? undefined : head.length,
  };
}

/** The header block without the Authentication-Results fields that claim our authserv-id, if it had any. */
function withoutForgedResults(head: Buffer, authservId: string): Buffer | undefined {
  if (!/authentication-results/i.test(head.toString('latin1'))) return undefined;
  const kept = withoutClaimedResults(head.toString('latin1').slice(0, -2), authservId);
  return kept === undefined ? undefined : owned(Buffer.from(`${kept}\r\n`, 'latin1'));
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
