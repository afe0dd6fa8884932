import type { DKIMVerifyOptions, DKIMVerifyResult } from 'mailauth';
// mailauth's own verifier and header parser (internal modules of the pinned mailauth 4.13.3),
// the ones its dkimVerify runs: it feeds them through a Writable that looks for the empty line
// byte by byte, rewrites bare LFs and hands the body over a turn of the event loop at a time.
import { DkimVerifier } from 'mailauth/lib/dkim/dkim-verifier.js';
import { parseHeaders } from 'mailauth/lib/tools.js';

const CR = 0x0d;
const LF = 0x0a;

/** A message's header block (through its last field's CRLF) and its body (after the empty line). */
export interface MessageParts {
  head: Buffer;
  body: Buffer;
}

export type DkimVerified = Pick<DKIMVerifyResult, 'headerFrom' | 'results'> & { arc: DkimVerifier['arc'] };

/**
 * The message cut where mailauth's parser cuts it, when that is plain: every LF follows a CR
 * (mailauth would first add the missing CRs) and an empty line ends the header block (without
 * one mailauth reads the whole message as header and checks no signature). Undefined otherwise:
 * such a message takes mailauth's own path.
 */
export function splitMessage(message: Buffer): MessageParts | undefined {
  const end = message.indexOf('\r\n\r\n');
  if (end < 0 || hasBareLf(message)) return undefined;
  return { head: message.subarray(0, end + 2), body: message.subarray(end + 4) };
}

/** mailauth's DKIM verification (and the ARC chain it reads) of a message already cut in two: what dkimVerify does with the same bytes. */
export async function dkimVerifyParts({ head, body }: MessageParts, options: DKIMVerifyOptions): Promise<DkimVerified> {
  const verifier = new DkimVerifier(options);
  await verifier.messageHeaders(parseHeaders(head));
  // mailauth's parser passes on no empty chunk.
  if (body.length > 0) await verifier.nextChunk(body);
  await verifier.finalChunk();
  return verifier;
}

function hasBareLf(message: Buffer): boolean {
  for (let lf = message.indexOf(LF); lf !== -1; lf = message.indexOf(LF, lf + 1))
    if (lf === 0 || message[lf - 1] !== CR) return true;
  return false;
}
