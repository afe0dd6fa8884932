import { canonicalRecipient, type AddressTemplate } from '../address/index.js';
import type { DeliveryEntry, StoredMessage } from '../spool/index.js';
import type { Processor } from '../worker/types.js';
import type { GitlabPostback } from './postback.js';

export interface GitlabMailboxes {
  incoming?: { template: AddressTemplate; postback: GitlabPostback };
  serviceDesk?: { template: AddressTemplate; postback: GitlabPostback };
}

/**
 * The GitLab path: each delivery (one per accepted recipient) goes to the mail_room endpoint of
 * the mailbox its recipient belongs to; GitLab's answer decides done, retry or dead letter
 * (never "delivered" whatever happened).
 */
export function gitlabProcessor(mailboxes: GitlabMailboxes): Processor {
  return async (message, delivery, raw) => {
    const recipient = delivery.recipient;
    const name =
      message.mailbox ?? (recipient && mailboxes.serviceDesk?.template.match(recipient) ? 'serviceDesk' : 'incoming');
    const mailbox = mailboxes[name];
    if (!mailbox)
      return { outcome: { state: 'dead', reason: `no GitLab endpoint configured for the ${name} mailbox` } };
    const answer = await mailbox.postback.deliver(forRecipient(message, delivery, raw));
    const routing = { handler: `gitlab:${mailbox.postback.url}` };
    switch (answer.kind) {
      case 'delivered':
        return { outcome: { state: 'done', detail: { status: answer.status } }, routing };
      case 'retry':
        return { outcome: { state: 'transient', reason: answer.reason, loud: answer.loud }, routing };
      case 'dead':
        return { outcome: { state: 'dead', reason: answer.reason }, routing };
    }
  };
}

/**
 * GitLab finds the key in the headers, not the envelope. A message for several of our
 * recipients is posted once per recipient with `Delivered-To` naming it on top, the first of
 * the trace headers GitLab reads; a single recipient is already named by our Received `for`.
 */
function forRecipient(message: StoredMessage, delivery: DeliveryEntry, raw: Buffer): Buffer {
  const distinct = new Set(message.recipients.map(canonicalRecipient)).size;
  if (delivery.recipient === undefined || distinct < 2) return raw;
  return Buffer.concat([Buffer.from(`Delivered-To: ${delivery.recipient}\r\n`), raw]);
}
