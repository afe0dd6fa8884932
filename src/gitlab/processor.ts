import type { AddressTemplate } from '../address/index.js';
import type { SpoolEntry } from '../spool/index.js';
import type { Processor } from '../worker/types.js';
import type { GitlabPostback } from './postback.js';

export interface GitlabMailboxes {
  incoming?: { template: AddressTemplate; postback: GitlabPostback };
  serviceDesk?: { template: AddressTemplate; postback: GitlabPostback };
}

/**
 * The GitLab path: each message goes to the mail_room endpoint of the mailbox it arrived for;
 * GitLab's answer decides done, retry or dead letter (never "delivered" whatever happened).
 */
export function gitlabProcessor(mailboxes: GitlabMailboxes): Processor {
  return async (entry: SpoolEntry, raw: Buffer) => {
    const name =
      entry.mailbox ??
      (entry.recipients.some((r) => mailboxes.serviceDesk?.template.match(r)) ? 'serviceDesk' : 'incoming');
    const mailbox = mailboxes[name];
    if (!mailbox)
      return { outcome: { state: 'dead', reason: `no GitLab endpoint configured for the ${name} mailbox` } };
    const answer = await mailbox.postback.deliver(raw);
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
