import { canonicalRecipient, compileTemplate, isPostmaster, parseMailKey, type Mailbox } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { KeyDirectory } from './keyDirectory.js';
import { KnownKeys } from './knownKeys.js';
import type { RecipientPolicy } from './recipientPolicy.js';
import { accept, REFUSED } from './verdict.js';

/**
 * RCPT TO: `postmaster` is always taken (RFC 5321 §4.5.1); otherwise the domain must be ours (else relaying), the address must fit a configured template,
 * its key must fit a handler's grammar for that mailbox and, when a directory is given (the
 * embedded tracker), mean something there.
 */
export function configRecipientPolicy(config: PostroomConfig, directory?: KeyDirectory): RecipientPolicy {
  const domains = new Set(config.smtp.acceptedDomains);
  const mailboxes: { mailbox: Mailbox; template: ReturnType<typeof compileTemplate> }[] = [];
  if (config.incomingEmail.enabled && config.incomingEmail.address) {
    mailboxes.push({ mailbox: 'incoming', template: compileTemplate(config.incomingEmail.address) });
  }
  if (config.serviceDeskEmail.enabled && config.serviceDeskEmail.address) {
    mailboxes.push({ mailbox: 'serviceDesk', template: compileTemplate(config.serviceDeskEmail.address) });
  }
  const known = directory?.version ? new KnownKeys(() => directory.version!()) : undefined;
  return {
    async check(received) {
      const address = canonicalRecipient(received);
      if (isPostmaster(address, domains)) return accept();
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      if (!address.includes('@') || !domains.has(domain)) return REFUSED.relay;
      for (const { mailbox, template } of mailboxes) {
        const match = template.match(address);
        if (!match) continue;
        // A dedicated address (no %{key}) takes replies whose key is in References.
        if (match.key === null) return accept();
        const seen = `${mailbox} ${match.key}`;
        if (known?.has(seen)) return accept();
        const target = parseMailKey(match.key, { mailbox });
        if (!target) continue;
        if (!directory) return accept();
        try {
          if (!(await directory.knows(target))) return REFUSED.unknownRecipient;
          known?.add(seen);
          return accept();
        } catch {
          return REFUSED.lookupUnavailable;
        }
      }
      return REFUSED.unknownRecipient;
    },
  };
}
