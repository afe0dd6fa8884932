import { compileTemplate, type AddressTemplate } from '../address/index.js';
import type { OutgoingContext } from './context.js';

/**
 * Is this address one we receive on or send from? Mail to it would come straight back in.
 * Whole domains are deliberately not matched: an IMAP mailbox at gmail.com must not make every
 * Gmail user unreachable. Compared case-insensitively, because a loop does not care about case.
 */
export function ownAddressCheck(context: OutgoingContext): (address: string) => boolean {
  const templates = context.receivingTemplates.map((template) => compileTemplate(template.template.toLowerCase()));
  const exact = new Set([context.from.address.toLowerCase(), ...templates.map(mailboxOf)]);
  return (address) => {
    const candidate = address.trim().toLowerCase();
    return exact.has(candidate) || templates.some((template) => template.match(candidate) !== null);
  };
}

/** `incoming+%{key}@host` is delivered to the mailbox `incoming@host`, which is ours too. */
function mailboxOf(template: AddressTemplate): string {
  const address = template.build('');
  const local = address.slice(0, address.lastIndexOf('@')).replace(/[+\-.]+$/, '');
  return `${local}@${template.domain}`;
}
