import type { ProcessingError } from '../handlers/errors.js';
import type { Processor } from '../worker/types.js';
import { fromAddress, type ReceivedMail } from './mail.js';
import { receive, type ReceiverDeps } from './receiver.js';

/** Sends (or decides not to send) GitLab's rejection notice; answers what happened, for the trace. */
export interface RejectionNotices {
  send(input: { mail: ReceivedMail; error: ProcessingError; envelopeSender?: string }): Promise<string>;
}

/** The embedded path: the receiver's outcome becomes the delivery's outcome, notices included. */
export function receiverProcessor(deps: ReceiverDeps, notices: RejectionNotices | undefined): Processor {
  async function noticeFor(
    mail: ReceivedMail | undefined,
    error: ProcessingError,
    envelopeSender: string | undefined,
  ): Promise<string> {
    // GitLab sends nothing for a blank or unparsable message, nor to a message without a sender.
    if (!mail) return 'not sent: the message could not be read';
    // A sender that failed authentication is likely forged: the notice would go to its victim.
    if (error.senderRefused) return 'not sent: the sender failed authentication';
    const from = fromAddress(mail);
    if (!from) return 'not sent: the message names no sender';
    // Mail that fits none of our addresses is mostly spam with a forged sender: answering
    // strangers would be backscatter, so only the sink's own users hear about it.
    if (error.name === 'UnknownIncomingEmail' && !(await deps.isKnownSender(from)))
      return 'not sent: unknown mail from an unknown sender';
    if (!notices) return 'not sent: no outgoing relay configured';
    return notices.send({ mail, error, envelopeSender });
  }

  return async (message, delivery, raw) => {
    const envelopeSender = message.source === 'smtp' ? message.mailFrom : undefined;
    // Each delivery is routed by its own envelope recipient, as if it had come alone.
    const result = await receive(
      {
        raw,
        envelopeSender,
        envelopeRecipients: delivery.recipient === undefined ? [] : [delivery.recipient],
        mailbox: message.mailbox,
        ownHeaderBytes: message.ownHeaderBytes,
        auth: message.auth,
      },
      deps,
    );
    switch (result.kind) {
      case 'done':
        return { outcome: { state: 'done', detail: result.effect }, routing: result.routing };
      case 'ignored':
        return { outcome: { state: 'ignored', reason: result.reason }, routing: result.routing };
      case 'dead':
        return { outcome: { state: 'dead', reason: result.reason }, routing: result.routing };
      case 'rejected': {
        const notice = await noticeFor(result.mail, result.error, envelopeSender);
        return {
          outcome: { state: 'rejected', error: result.error.name, message: result.error.message, notice },
          routing: result.routing,
        };
      }
    }
  };
}
