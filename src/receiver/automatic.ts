import type { RawHeader } from '../address/index.js';
import { gitlabAutoReplyRule, type AutomaticSignal } from '../message/automatic.js';
import type { ReceivedMail } from './mail.js';

export type AutomaticCheck = AutomaticSignal;

// RFC 3464 delivery status, RFC 5965 abuse feedback, RFC 8098 read receipts: parts only software writes.
const REPORT_PART_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/feedback-report',
  'message/disposition-notification',
]);
// A part's header block is short; one that runs on is not worth reading further.
const PART_HEADER_LIMIT = 8 * 1024;

/**
 * Mail that routing ignores, without any answer: only what a machine made beyond doubt. GitLab's
 * two header rules; the null sender, which RFC 5321 keeps for delivery notifications; and reports.
 * The wider hints (Precedence, role-like mailboxes, X-Auto-Response-Suppress…) never hold back a
 * person's mail here: they only keep our own answers (notices, thank-you mail) from going out.
 *
 * @param envelopeSender SMTP MAIL FROM (`''` for `<>`); undefined when pulled from a mailbox.
 */
export function automaticMail(mail: ReceivedMail, envelopeSender: string | undefined): AutomaticCheck | null {
  const gitlab = gitlabAutoReplyRule(mail.headers);
  if (gitlab) return gitlab;
  const nullSender = nullSenderSignal(mail.headers, envelopeSender);
  if (nullSender) return { gitlabRule: false, reason: nullSender };
  const report = reportPart(mail);
  if (report) return { gitlabRule: false, reason: `a delivery or feedback report (${report})` };
  return null;
}

function nullSenderSignal(headers: readonly RawHeader[], envelopeSender: string | undefined): string | null {
  if (envelopeSender === '') return 'null envelope sender (MAIL FROM:<>)';
  const valuesOf = (name: string) => headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value.trim());
  // Written at final delivery from MAIL FROM: a mailbox's copy of a bounce keeps its null sender
  // here, as `<>`, or as `<MAILER-DAEMON>` in sendmail's notation.
  const returnPath = valuesOf('return-path').find((value) => /^<\s*(?:mailer-daemon)?\s*>$/i.test(value));
  if (returnPath !== undefined) return `null sender (Return-Path: ${returnPath})`;
  const from = valuesOf('from').find((value) => /<\s*>\s*$/.test(value));
  if (from !== undefined) return `null sender (From: ${from.slice(0, 80)})`;
  return null;
}

/**
 * `multipart/report`, or a `multipart/mixed` that is one in all but name: a report part directly
 * inside it (ARF complaints, old bounces), or nothing but forwarded messages with no words of the
 * sender's own (Hotmail's complaint feed). Only the top level counts: a person forwarding a bounce,
 * or a message with a note of their own, is still a person.
 */
function reportPart(mail: ReceivedMail): string | null {
  if (mail.contentType === 'multipart/report') return 'multipart/report';
  if (mail.contentType !== 'multipart/mixed') return null;
  const types = partTypes(mail);
  const report = types.find((type) => REPORT_PART_TYPES.has(type));
  if (report) return `multipart/mixed with ${report}`;
  if (types.length > 0 && types.every((type) => type === 'message/rfc822'))
    return 'multipart/mixed holding only message/rfc822';
  return null;
}

/** The Content-Types of the top-level parts, in order; text/plain where a part names none. */
function partTypes(mail: ReceivedMail): string[] {
  const contentType = mail.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  if (!boundary) return [];
  const delimiter = `\n--${boundary[1] ?? boundary[2]}`;
  const raw = mail.raw.toString('latin1');
  const types: string[] = [];
  for (let at = raw.indexOf(delimiter); at >= 0; at = raw.indexOf(delimiter, at + delimiter.length)) {
    const part = raw.slice(at + delimiter.length, at + delimiter.length + PART_HEADER_LIMIT);
    if (part.startsWith('--')) break;
    types.push(partContentType(part));
  }
  return types;
}

/** The Content-Type of a part whose text starts just after its delimiter line's `--boundary`. */
function partContentType(part: string): string {
  const end = part.search(/\r?\n\r?\n/);
  const head = end >= 0 ? part.slice(0, end) : part;
  const match = /(?:^|\n)content-type:[ \t]*([^;\s]+)/i.exec(head.replace(/\r?\n[ \t]+/g, ' '));
  return match ? match[1].toLowerCase() : 'text/plain';
}
