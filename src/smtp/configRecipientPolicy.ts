import { compileTemplate, parseMailKey, type Mailbox } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { RecipientPolicy } from './recipientPolicy.js';
import { accept, REFUSED } from './verdict.js';

/**
 * RCPT TO by the grammar alone: the domain must be ours (else relaying), the address must fit
 * a configured template, and its key must fit a handler's grammar for that mailbox.
 */
export function configRecipientPolicy(config: PostroomConfig): RecipientPolicy {
  const domains = new Set(config.smtp.acceptedDomains);
  const mailboxes: { mailbox: Mailbox; template: ReturnType<typeof compileTemplate> }[] = [];
  if (config.incomingEmail.enabled && config.incomingEmail.address) {
    mailboxes.push({ mailbox: 'incoming', template: compileTemplate(config.incomingEmail.address) });
  }
  if (config.serviceDeskEmail.enabled && config.serviceDeskEmail.address) {
    mailboxes.push({ mailbox: 'serviceDesk', template: compileTemplate(config.serviceDeskEmail.address) });
  }
  return {
    check(address) {
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      if (!address.includes('@') || !domains.has(domain)) return REFUSED.relay;
      for (const { mailbox, template } of mailboxes) {
        const match = template.match(address);
        if (!match) continue;
        // A dedicated address (no %{key}) takes replies whose key is in References.
        if (match.key === null || parseMailKey(match.key, { mailbox })) return accept();
      }
      return REFUSED.unknownRecipient;
    },
  };
}
