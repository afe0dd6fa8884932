import type { ProcessingError } from '../handlers/errors.js';
import type { SpoolEntry } from '../spool/index.js';
import type { Processor } from '../worker/types.js';
import type { ReceivedMail } from './mail.js';
import { receive, type ReceiverDeps } from './receiver.js';

/** Sends (or decides not to send) GitLab's rejection notice; answers what happened, for the trace. */
export interface RejectionNotices {
  send(input: { mail: ReceivedMail; error: ProcessingError; envelopeSender?: string }): Promise<string>;
}

/** The embedded path: the receiver's outcome becomes the message's outcome, notices included. */
export function receiverProcessor(deps: ReceiverDeps, notices: RejectionNotices | undefined): Processor {
  return async (entry: SpoolEntry, raw: Buffer) => {
    const envelopeSender = entry.source === 'smtp' ? entry.mailFrom : undefined;
    const result = await receive({ raw, envelopeSender, envelopeRecipients: entry.recipients, mailbox: entry.mailbox }, deps);
    switch (result.kind) {
      case 'done':
        return { outcome: { state: 'done', detail: result.effect }, routing: result.routing };
      case 'ignored':
        return { outcome: { state: 'ignored', reason: result.reason }, routing: result.routing };
      case 'rejected': {
        // GitLab sends nothing for a blank or unparsable message: there is no one sure to answer.
        const notice = result.mail
          ? notices
            ? await notices.send({ mail: result.mail, error: result.error, envelopeSender })
            : 'not sent: no outgoing relay configured'
          : 'not sent: the message could not be read';
        return {
          outcome: { state: 'rejected', error: result.error.name, message: result.error.message, notice },
          routing: result.routing,
        };
      }
    }
  };
}
