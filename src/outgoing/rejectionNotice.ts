import type { OutgoingContext } from './context.js';
import { bracketed, newMessageId, outgoingMessage, type OutgoingMessage } from './message.js';
import type { OriginalMessage } from './noticeGate.js';
import type { RejectionReason } from './rejectionReasons.js';

const INTRO = 'We are sorry: the email you sent could not be processed.';
const RETRY_HINT = 'You can correct your message and send it again by replying to this email.';

/**
 * The notice telling a sender why their message was not taken. Pure: the gate has already said
 * yes. The original body is never echoed back, so a notice cannot be used to reflect content
 * (spam, malware) at a forged From address.
 */
export function buildRejectionNotice(
  context: OutgoingContext,
  original: OriginalMessage,
  reason: RejectionReason,
  recipients: string[],
): OutgoingMessage {
  const originalId = original.messageId ? bracketed(original.messageId) : undefined;
  // Answering the notice resends to the same key; only worth offering when a fix can succeed.
  const retryAddress = reason.canRetry ? original.to[0] : undefined;
  const paragraphs = [INTRO, reason.text, ...(retryAddress ? [RETRY_HINT] : [])];
  return outgoingMessage({
    kind: 'rejection_notice',
    from: { ...context.from },
    to: recipients.map((address) => ({ address })),
    replyTo: retryAddress ? { address: retryAddress } : undefined,
    subject: `[Rejected] ${original.subject ?? ''}`.trimEnd(),
    messageId: newMessageId(context.host),
    inReplyTo: originalId,
    references: originalId ? [originalId] : [],
    text: `${paragraphs.join('\n\n')}\n`,
  });
}
