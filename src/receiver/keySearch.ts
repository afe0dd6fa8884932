import { extractMailKey, type AddressTemplate, type KeySource, type Mailbox } from '../address/index.js';
import type { ReceivedMail } from './mail.js';

export interface MailboxTemplates {
  incoming?: AddressTemplate;
  serviceDesk?: AddressTemplate;
  /** GitLab's gitlab.host: the host of `<reply-KEY@host>` in References. */
  gitlabHost: string;
}

export interface FoundKey {
  mailbox: Mailbox;
  key: string | null;
  source?: KeySource;
}

/**
 * Which mailbox a message belongs to (the source's word, else the first envelope recipient that
 * fits a template), then the key in GitLab's header order with the envelope recipient first.
 */
export function findKey(
  mail: ReceivedMail,
  envelopeRecipients: string[],
  sourceMailbox: Mailbox | undefined,
  templates: MailboxTemplates,
): FoundKey {
  const mailbox = sourceMailbox ?? mailboxOfEnvelope(envelopeRecipients, templates);
  const template = mailbox === 'serviceDesk' ? templates.serviceDesk : templates.incoming;
  if (!template) return { mailbox, key: null };
  const references = mail.headers
    .filter((h) => h.name.toLowerCase() === 'references')
    .map((h) => h.value)
    .join(' ');
  const found = extractMailKey(
    { envelopeRecipients, to: mail.to, cc: mail.cc, references: references || undefined, rawHeaders: mail.headers },
    { template, gitlabHost: templates.gitlabHost },
  );
  return found ? { mailbox, key: found.key, source: found.source } : { mailbox, key: null };
}

function mailboxOfEnvelope(recipients: string[], templates: MailboxTemplates): Mailbox {
  for (const recipient of recipients) {
    if (templates.serviceDesk?.match(recipient)) return 'serviceDesk';
    if (templates.incoming?.match(recipient)) return 'incoming';
  }
  return 'incoming';
}
