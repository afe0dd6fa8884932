import type { PostroomConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { createMailer, newMessageId, outgoingMessage, type MailOutcome } from '../outgoing/index.js';
import { withPostmaster } from '../receiver/postmaster.js';
import type { Processed, Processor } from '../worker/types.js';

/**
 * Mail for the postmaster, with the outgoing relay when `postmaster.forward_to` is set: the
 * original goes on as the text of a mail to that address. A relay that is down is a failed
 * attempt the spool retries; only the relay's 250 makes the delivery done.
 */
export function postmasterAware(
  config: PostroomConfig,
  process: Processor,
  logger: Logger,
): { process: Processor; close(): void } {
  const domains = new Set(config.smtp.acceptedDomains);
  const forwardTo = config.postmaster.forwardTo;
  if (!forwardTo) return { process: withPostmaster(process, domains, undefined), close: () => undefined };
  const mailer = createMailer(config.outgoing, logger);
  const forwarding = withPostmaster(process, domains, async (message, delivery, raw) => {
    const sent = await mailer.send(
      outgoingMessage({
        kind: 'postmaster_forward',
        from: config.outgoing.from,
        to: [{ address: forwardTo }],
        subject: `Mail for ${delivery.recipient} (spool message ${message.id})`,
        messageId: newMessageId(config.host),
        references: message.messageId ? [message.messageId] : [],
        text: `Postroom accepted this message from <${message.mailFrom}> for <${delivery.recipient}>; it is kept as spool message ${message.id}.\n\n${raw.toString('utf8')}`,
      }),
    );
    return outcomeOf(sent, forwardTo);
  });
  return { process: forwarding, close: () => mailer.close() };
}

function outcomeOf(sent: MailOutcome, forwardTo: string): Processed['outcome'] {
  switch (sent.status) {
    case 'sent':
      return { state: 'done', detail: { forwardedTo: forwardTo, messageId: sent.messageId, response: sent.response } };
    case 'skipped':
      return { state: 'ignored', reason: `kept in the spool, not forwarded: ${sent.reason}` };
    case 'failed':
      return sent.transient
        ? { state: 'transient', reason: `forwarding to ${forwardTo} failed: ${sent.reason}` }
        : { state: 'dead', reason: `the relay refused forwarding to ${forwardTo}: ${sent.reason}` };
  }
}
