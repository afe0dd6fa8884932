import type { RawHeader } from '../address/index.js';
import type { ProcessingError } from '../handlers/errors.js';
import { automaticSignal, isSystemSender } from '../message/automatic.js';
import { rejectionReason, type RejectionReason } from './rejectionReasons.js';

/** The message being rejected, as far as a notice needs it. Its body is not here on purpose. */
export interface OriginalMessage {
  /** Bare addresses of the From header. */
  from: string[];
  /** Bare addresses of the To header; the first is where a corrected message goes. */
  to: string[];
  subject: string | null;
  messageId: string | null;
  headers: readonly RawHeader[];
  /** SMTP MAIL FROM: '' for the null sender, undefined when unknown (mail pulled from a mailbox). */
  envelopeSender?: string;
}

export interface NoticeRequest {
  error: ProcessingError;
  original: OriginalMessage;
  /** The receiver's own verdict that the message was machine-sent. */
  automatic: boolean;
}

export type NoticeGateDecision =
  { allowed: true; recipients: string[]; reason: RejectionReason } | { allowed: false; refusal: string };

const refuse = (refusal: string): NoticeGateDecision => ({ allowed: false, refusal });

function bareAddress(address: string): string {
  return address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
}

/**
 * May a rejection notice be sent, and to whom? Every "no" names its reason, so the message
 * trace can say why a sender heard nothing. The per-sender rate limit is checked after this, by
 * the notice log, because it needs the store.
 */
export function noticeGate(request: NoticeRequest, isOwnAddress: (address: string) => boolean): NoticeGateDecision {
  const { error, original } = request;
  const reason = rejectionReason(error);
  if (!reason) return refuse(`${error.name} never earns a notice`);
  if (request.automatic) return refuse('the message was sent automatically');
  const automatic = automaticSignal(original.headers);
  if (automatic) return refuse(`the message was sent automatically: ${automatic.reason}`);

  if (original.envelopeSender !== undefined && bareAddress(original.envelopeSender) === '') {
    return refuse('the message came from the null sender (MAIL FROM:<>)');
  }
  const recipients = [...new Set(original.from.map(bareAddress).filter((address) => address !== ''))];
  if (recipients.length === 0) return refuse('the message has no From address');

  const senders =
    original.envelopeSender === undefined ? recipients : [...recipients, bareAddress(original.envelopeSender)];
  for (const address of senders) {
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) return refuse(`${JSON.stringify(address)} is not a usable address`);
    if (isOwnAddress(address)) return refuse(`${address} is one of our own addresses`);
    if (isSystemSender(address)) return refuse(`${address} is a system mailbox`);
  }
  return { allowed: true, recipients, reason };
}
