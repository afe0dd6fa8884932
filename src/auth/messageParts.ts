const CR = 0x0d;
const LF = 0x0a;

/** A message's header block (through its last field's CRLF) and its body (after the empty line). */
export interface MessageParts {
  head: Buffer;
  body: Buffer;
}

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

function hasBareLf(message: Buffer): boolean {
  for (let lf = message.indexOf(LF); lf !== -1; lf = message.indexOf(LF, lf + 1))
    if (lf === 0 || message[lf - 1] !== CR) return true;
  return false;
}
