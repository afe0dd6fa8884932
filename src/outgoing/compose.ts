import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { outgoingMessage, type OutgoingMessage } from './message.js';

export interface ComposedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/**
 * The message as it goes on the wire. nodemailer writes header names in its own case
 * (`X-Gitlab-Project-ID`); the names are put back as written (`X-GitLab-Project-Id`) because
 * people's mail filters were written against GitLab's spelling, and not every filter ignores case.
 */
export async function composeMail(input: OutgoingMessage): Promise<ComposedMail> {
  // Again here, so a message assembled by hand cannot leave without the loop-breaking headers.
  const message = outgoingMessage(input);
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references.length > 0 ? message.references : undefined,
    headers: message.headers.map((header) => ({ key: header.name, value: header.value })),
    text: message.text,
    // Built messages never name files or URLs, and must not start reading them if one slips in.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const built = await composer.compile().build();
  return {
    envelope: { from: message.from.address, to: message.to.map((to) => to.address) },
    raw: restoreHeaderNames(
      built,
      message.headers.map((header) => header.name),
    ),
  };
}

function restoreHeaderNames(raw: Buffer, names: string[]): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const spelling = new Map(names.map((name) => [name.toLowerCase(), name]));
  const head = raw
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0 || line.startsWith(' ') || line.startsWith('\t')) return line;
      const wanted = spelling.get(line.slice(0, colon).toLowerCase());
      return wanted ? wanted + line.slice(colon) : line;
    })
    .join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(end)]);
}
