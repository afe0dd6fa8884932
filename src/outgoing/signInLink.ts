import type { OutgoingContext } from './context.js';
import { newMessageId, outgoingMessage, type MailAddress, type OutgoingMessage } from './message.js';

/** The one-time sign-in link a tracker user asked for on the sign-in page. */
export function buildSignInMail(
  context: OutgoingContext,
  to: MailAddress,
  link: string,
  validMinutes: number,
): OutgoingMessage {
  return outgoingMessage({
    kind: 'sign_in',
    from: context.from,
    to: [to],
    subject: 'Your sign-in link',
    messageId: newMessageId(context.host),
    references: [],
    text: [
      `Hello ${to.name ?? to.address},`,
      '',
      `Someone (hopefully you) asked to sign in. This link works once, for ${validMinutes} minutes:`,
      '',
      link,
      '',
      'If it was not you, ignore this mail: nothing happens without the link.',
      '',
    ].join('\n'),
  });
}
