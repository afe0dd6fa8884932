import { upstreamResults } from '../auth/upstream.js';
import { firstField, messageIdOf, readHeaderFields } from '../message/headers.js';
import type { IncomingMessage, MailboxName, SpoolSource } from '../spool/index.js';

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
 * receiver finds its key in the headers, as GitLab's does. Sender authentication is what the
 * provider wrote in its Authentication-Results, when its authserv-id is in `trustedAuthservIds`.
 */
export function toIncomingMessage(
  raw: Buffer,
  from: FetchedFrom,
  trustedAuthservIds: readonly string[],
): IncomingMessage {
  const fields = readHeaderFields(raw);
  const mailFrom = returnPath(firstField(fields, 'return-path')) ?? '';
  return {
    ...from,
    mailFrom,
    auth: upstreamResults(fields, trustedAuthservIds, mailFrom),
    recipients: [],
    receivedAt: Date.now(),
    messageId: messageIdOf(firstField(fields, 'message-id')),
    chunks: [raw],
    size: raw.length,
  };
}

/** `<>` (a bounce) gives '', an address gives the address, no header gives undefined. */
function returnPath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bracketed = /<([^<>]*)>/.exec(value);
  return (bracketed ? bracketed[1] : value).trim();
}
