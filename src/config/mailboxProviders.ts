/**
 * Domains whose mail is hosted by a provider for many customers. An address there (a pasted
 * Gmail or Office 365 section) says where to poll, not which domain Postroom's SMTP front may
 * claim: taking it as an accepted domain would accept mail for every gmail.com address.
 */
const PROVIDER_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'office365.com',
  'outlook.office365.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'fastmail.com',
  'proton.me',
  'protonmail.com',
]);
// Every tenant of Microsoft 365 gets <tenant>.onmicrosoft.com (and .mail.onmicrosoft.com), hosted by Microsoft.
const PROVIDER_SUFFIXES = ['.onmicrosoft.com'];

export function isMailboxProviderDomain(domain: string): boolean {
  const lower = domain.toLowerCase();
  return PROVIDER_DOMAINS.has(lower) || PROVIDER_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
