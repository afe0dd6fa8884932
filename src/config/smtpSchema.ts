import type { Section } from './reader.js';
import { readSmtpLimits } from './smtpLimitsSchema.js';
import { readTrustedRelays } from './senderAuthSchema.js';
import type { MailboxConfig, SmtpConfig } from './types.js';

/** The `smtp` section: Postroom's own front door, or none at all (`enabled: false`, mail_room only). */
export function readSmtp(
  section: Section,
  mailboxes: [string, MailboxConfig][],
  resolvePath: (file: string) => string,
): SmtpConfig {
  const enabled = section.boolean('enabled', true);
  const hostname = section.string('hostname', 'localhost');
  const tlsSection = section.section('tls');
  const tlsKey = tlsSection.string('key');
  const tlsCert = tlsSection.string('cert');
  const tlsReloadCheckMs = tlsSection.duration('reload_check', 60_000, 100, 86_400_000);
  tlsSection.rejectUnknown();
  if (Boolean(tlsKey) !== Boolean(tlsCert)) tlsSection.fail('key', 'key and cert must be given together');
  const listen = readListen(section);
  const live = mailboxes.filter(([, mailbox]) => mailbox.enabled && mailbox.address);
  const given = section.stringList('accepted_domains');
  const acceptedDomains = (given ?? live.map(([, mailbox]) => domainOf(mailbox.address as string))).map((d) =>
    d.toLowerCase(),
  );
  const smtp: SmtpConfig = {
    enabled,
    acceptedDomainsGiven: given !== undefined,
    ...listen,
    hostname,
    maxMessageSize: section.size('max_message_size', 25 * 1024 * 1024),
    maxRecipients: section.integer('max_recipients', 50, 1, 10_000),
    maxClients: section.integer('max_clients', 200, 1, 100_000),
    socketTimeoutMs: section.integer('socket_timeout', 60, 1, 3600) * 1000,
    closeTimeoutMs: section.integer('close_timeout', 30, 1, 3600) * 1000,
    tls: { key: tlsKey && resolvePath(tlsKey), cert: tlsCert && resolvePath(tlsCert), reloadCheckMs: tlsReloadCheckMs },
    acceptedDomains: [...new Set(acceptedDomains)],
    verifyKeys: section.boolean('verify_keys', true),
    ...readSmtpLimits(section),
    trustedRelays: readTrustedRelays(section),
  };
  section.rejectUnknown();
  if (!enabled) return smtp;
  if (smtp.acceptedDomains.length === 0) {
    section.fail(
      'accepted_domains',
      'no domain to accept mail for (enable incoming_email with an address, list domains, or set smtp.enabled: false)',
    );
  }
  return smtp;
}

function readListen(smtp: Section): { host: string; port: number } {
  const listen = smtp.string('listen', '127.0.0.1:2525');
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    smtp.fail('listen', `must be host:port such as 127.0.0.1:2525 or [::1]:25, got ${JSON.stringify(listen)}`);
    return { host: '127.0.0.1', port: 2525 };
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
