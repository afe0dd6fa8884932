import type { Logger } from '../../log/logger.js';
import type { Mailer } from '../mailer.js';
import type { OutgoingMessage } from '../message.js';

/**
 * Gives one mail to the relay and reports how it went. The record it is about is already
 * committed, so a refusal is logged with the Message-ID and the next recipient still gets theirs.
 */
export async function handOver(
  mailer: Mailer,
  log: Logger,
  message: OutgoingMessage,
  about: Record<string, unknown>,
): Promise<void> {
  const context = {
    messageId: message.messageId,
    kind: message.kind,
    to: message.to.map((to) => to.address),
    ...about,
  };
  try {
    const outcome = await mailer.send(message);
    if (outcome.status === 'failed') {
      log.warn({ ...context, transient: outcome.transient, reason: outcome.reason }, 'notification not delivered');
    } else if (outcome.status === 'sent' && outcome.rejected.length > 0) {
      log.warn({ ...context, rejected: outcome.rejected }, 'notification refused for some recipients');
    }
  } catch (error) {
    // A Mailer promises never to throw; one that does must not cost the other recipients their mail.
    log.error({ ...context, err: error }, 'notification not delivered');
  }
}
