import { randomBytes } from 'node:crypto';
import { headerText } from './headerText.js';

export interface MailAddress {
  address: string;
  name?: string;
}

export interface MailHeader {
  name: string;
  value: string;
}

export type OutgoingKind = 'rejection_notice' | 'notification' | 'service_desk' | 'postmaster_forward' | 'sign_in';

/** A mail ready for the relay: built by a pure builder, sent by the mailer, nothing decided in between. */
export interface OutgoingMessage {
  kind: OutgoingKind;
  from: MailAddress;
  to: MailAddress[];
  replyTo?: MailAddress;
  subject: string;
  /** With angle brackets, as it appears in the header. */
  messageId: string;
  inReplyTo?: string;
  /** In header order. */
  references: string[];
  /** Every header not covered by a field above, in the order written. */
  headers: MailHeader[];
  text: string;
}

/**
 * Marks our mail as machine-sent (RFC 3834) and asks Exchange not to answer it: the other half of
 * the receiver's automatic-mail check, together they keep two robots from talking forever.
 */
export const AUTOMATIC_MAIL_HEADERS: readonly MailHeader[] = [
  { name: 'Auto-Submitted', value: 'auto-generated' },
  { name: 'X-Auto-Response-Suppress', value: 'All' },
];

/**
 * Every builder goes through here, so no kind of outgoing mail can forget the loop-breaking
 * headers, and no text that came in by mail (a Subject, a display name) reaches a header unbounded
 * or with a control character in it.
 */
export function outgoingMessage(
  fields: Omit<OutgoingMessage, 'headers'> & { headers?: MailHeader[] },
): OutgoingMessage {
  const headers = (fields.headers ?? [])
    .filter((header) => !AUTOMATIC_MAIL_HEADERS.some((fixed) => fixed.name.toLowerCase() === header.name.toLowerCase()))
    .map((header) => ({ name: header.name, value: headerText(header.value, MAX_FIELD_TEXT) }));
  return {
    ...fields,
    from: named(fields.from),
    to: fields.to.map(named),
    replyTo: fields.replyTo && named(fields.replyTo),
    subject: headerText(fields.subject),
    headers: [...AUTOMATIC_MAIL_HEADERS, ...headers],
  };
}

// Structured headers (List-Unsubscribe with two URLs, References) run longer than a subject.
const MAX_FIELD_TEXT = 900;

function named(address: MailAddress): MailAddress {
  return address.name === undefined ? address : { ...address, name: headerText(address.name) };
}

/** `<random hex@host>`: unique per mail, and the host says who minted it. */
export function newMessageId(host: string): string {
  return `<${randomBytes(16).toString('hex')}@${host}>`;
}

/** Message ids arrive with or without brackets; headers want them with. */
export function bracketed(messageId: string): string {
  const bare = messageId.trim().replace(/^<+/, '').replace(/>+$/, '');
  return `<${bare}>`;
}
