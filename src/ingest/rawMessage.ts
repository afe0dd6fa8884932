import type { IncomingMessage, MailboxName, SpoolSource } from '../spool/index.js';

// Enough to hold any sane header block; the rest of the message is never scanned.
const HEADER_SCAN_LIMIT = 64 * 1024;

export interface FetchedFrom {
  source: Extract<SpoolSource, 'imap' | 'graph'>;
  sourceRef: string;
  mailbox: MailboxName;
  sessionId: string;
  tls: boolean;
}

/**
 * A message pulled from a mailbox, in the spool's shape. There is no SMTP envelope: the sender
 * comes from Return-Path (what the final MTA recorded), and recipients stay empty because the
 * receiver finds its key in the headers, as GitLab's does.
 */
export function toIncomingMessage(raw: Buffer, from: FetchedFrom): IncomingMessage {
  const header = headerBlock(raw);
  return {
    ...from,
    mailFrom: returnPath(header) ?? '',
    recipients: [],
    receivedAt: Date.now(),
    messageId: headerValue(header, 'message-id')?.match(/<[^<>\s]+>/)?.[0],
    chunks: [raw],
    size: raw.length,
  };
}

function headerBlock(raw: Buffer): string {
  const head = raw.subarray(0, HEADER_SCAN_LIMIT).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return end >= 0 ? head.slice(0, end) : head;
}

/** The first occurrence's unfolded value, as the topmost header is the newest. */
export function headerValue(header: string, name: string): string | undefined {
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const line = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return line?.[1].trim();
}

/** `<>` (a bounce) gives '', an address gives the address, no header gives undefined. */
function returnPath(header: string): string | undefined {
  const value = headerValue(header, 'return-path');
  if (value === undefined) return undefined;
  const bracketed = /<([^<>]*)>/.exec(value);
  return (bracketed ? bracketed[1] : value).trim();
}
