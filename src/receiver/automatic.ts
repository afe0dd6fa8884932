import { automaticSignal, isSystemSender, type AutomaticSignal } from '../message/automatic.js';
import type { ReceivedMail } from './mail.js';

export type AutomaticCheck = AutomaticSignal;

export interface AutomaticContext {
  /** The SMTP envelope sender: `''` is the null sender `<>`; undefined when the source has none (IMAP, Graph). */
  envelopeSender?: string;
  /** Lower-cased addresses that are ours: mail claiming to come from them is a loop. */
  ownAddresses: (address: string) => boolean;
  /** Our host name, as it would appear in an X-Loop header we wrote. */
  host: string;
}

// Report parts (RFC 3464 delivery status, RFC 5965 abuse feedback, RFC 8098 read receipts),
// also when an old-style report wraps them in multipart/mixed.
const REPORT_PART =
  /^content-type:[ \t]*message\/(delivery-status|global-delivery-status|feedback-report|disposition-notification)/im;

/**
 * Mail written by a machine is ignored, without any answer: the shared header rules, then what
 * only the receiver knows (the envelope, the body's report parts, our own addresses).
 */
export function automaticMail(mail: ReceivedMail, context: AutomaticContext): AutomaticCheck | null {
  const signal = automaticSignal(mail.headers, { loopHost: context.host });
  if (signal) return signal;
  if (context.envelopeSender === '') return { gitlabRule: false, reason: 'null envelope sender (MAIL FROM:<>)' };
  const machine = mail.from.find(isSystemSender);
  if (machine !== undefined) return { gitlabRule: false, reason: `sent by a mail system (${machine})` };
  if (REPORT_PART.test(mail.raw.toString('latin1')))
    return { gitlabRule: false, reason: 'contains a delivery or feedback report' };
  const own = mail.from.find((address) => context.ownAddresses(address.toLowerCase()));
  if (own !== undefined) return { gitlabRule: false, reason: `sent from our own address ${own}` };
  return null;
}
