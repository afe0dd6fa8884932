import path from 'node:path';
import { compileTemplate } from '../address/index.js';
import { readHttp } from './httpSchema.js';
import { readOutgoing } from './outgoingSchema.js';
import { readGitlabApi } from './gitlabApiSchema.js';
import { readProcessing } from './processingSchema.js';
import { readSenderAuth, readTrustedRelays } from './senderAuthSchema.js';
import { ConfigErrors, Section, type Json } from './reader.js';
import type { LogLevel, MailboxConfig, PostroomConfig } from './types.js';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
// Keys GitLab's sections carry that mean nothing to Postroom itself; pasting them is not a mistake.
const GITLAB_ONLY_KEYS = ['log_file', 'delivery_method'] as const;
// mail_room refuses an IDLE longer than 29 minutes; servers drop idle clients after 30.
const MAX_IDLE_TIMEOUT_SECONDS = 29 * 60;

export interface ParseOptions {
  source?: string;
  /** Relative paths (store, TLS files) are resolved against this directory. */
  baseDir?: string;
}

/** Validates a parsed YAML document; throws ConfigErrors listing every problem found. */
export function parseConfig(raw: Json, options: ParseOptions = {}): PostroomConfig {
  const problems: string[] = [];
  const root = Section.root(raw, problems);
  const baseDir = options.baseDir ?? process.cwd();
  const resolvePath = (file: string) => path.resolve(baseDir, file);

  const storeSection = root.section('store');
  const store = { path: resolvePath(storeSection.string('path', './data/postroom.db')) };
  storeSection.rejectUnknown();
  // Encrypted credentials and their key live beside the spool unless placed elsewhere.
  const secretsDir = path.join(path.dirname(store.path), 'secrets');
  const secretsSection = root.section('secrets');
  const secrets = { keyFile: resolvePath(secretsSection.string('key_file') ?? path.join(secretsDir, 'key')) };
  secretsSection.rejectUnknown();

  const incomingEmail = readMailbox(root.section('incoming_email'), secretsDir, resolvePath);
  const serviceDeskEmail = readMailbox(root.section('service_desk_email'), secretsDir, resolvePath);
  const smtpSection = root.section('smtp');
  const hostname = smtpSection.string('hostname', 'localhost');
  const tlsSection = smtpSection.section('tls');
  const tlsKey = tlsSection.string('key');
  const tlsCert = tlsSection.string('cert');
  tlsSection.rejectUnknown();
  if (Boolean(tlsKey) !== Boolean(tlsCert)) tlsSection.fail('key', 'key and cert must be given together');
  const listen = readListen(smtpSection);
  const addressDomains = [incomingEmail, serviceDeskEmail]
    .filter((mailbox) => mailbox.enabled && mailbox.address)
    .map((mailbox) => domainOf(mailbox.address as string));
  const acceptedDomains = (smtpSection.stringList('accepted_domains') ?? addressDomains).map((d) => d.toLowerCase());
  const smtp = {
    ...listen,
    hostname,
    maxMessageSize: smtpSection.size('max_message_size', 25 * 1024 * 1024),
    maxRecipients: smtpSection.integer('max_recipients', 50, 1, 10_000),
    maxClients: smtpSection.integer('max_clients', 200, 1, 100_000),
    socketTimeoutMs: smtpSection.integer('socket_timeout', 60, 1, 3600) * 1000,
    closeTimeoutMs: smtpSection.integer('close_timeout', 30, 1, 3600) * 1000,
    tls: { key: tlsKey && resolvePath(tlsKey), cert: tlsCert && resolvePath(tlsCert) },
    acceptedDomains: [...new Set(acceptedDomains)],
    verifyKeys: smtpSection.boolean('verify_keys', true),
    trustedRelays: readTrustedRelays(smtpSection),
  };
  smtpSection.rejectUnknown();

  const logSection = root.section('log');
  const log = { level: logSection.oneOf('level', LOG_LEVELS, 'info') };
  logSection.rejectUnknown();
  const host = root.string('host', hostname);
  const outgoing = readOutgoing(root.section('outgoing'), host);
  const processing = readProcessing(root, resolvePath);
  const gitlab = readGitlabApi(root.section('gitlab'));
  const http = readHttp(root.section('http'), [incomingEmail, serviceDeskEmail]);
  const senderAuth = readSenderAuth(root.section('sender_auth'));
  root.rejectUnknown();

  checkAddresses(root, incomingEmail, serviceDeskEmail, smtp.acceptedDomains);
  if (smtp.acceptedDomains.length === 0) {
    problems.push(
      'smtp.accepted_domains: no domain to accept mail for (enable incoming_email with an address, or list domains)',
    );
  }
  if (problems.length > 0) throw new ConfigErrors(problems);
  return {
    source: options.source,
    host,
    incomingEmail,
    serviceDeskEmail,
    smtp,
    store,
    secrets,
    outgoing,
    log,
    http,
    senderAuth,
    gitlab,
    ...processing,
  };
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

function readMailbox(section: Section, secretsDir: string, resolvePath: (file: string) => string): MailboxConfig {
  const address = section.string('address') ?? null;
  const mailbox: MailboxConfig = {
    enabled: section.boolean('enabled', false),
    address,
    user: section.string('user'),
    password: section.string('password'),
    host: section.string('host'),
    port: section.integer('port', 143, 1, 65535),
    ssl: section.boolean('ssl', false),
    startTls: section.boolean('start_tls', false),
    mailbox: section.string('mailbox', 'inbox'),
    idleTimeoutSeconds: section.integer('idle_timeout', 60, 1, MAX_IDLE_TIMEOUT_SECONDS),
    deleteAfterDelivery: section.boolean('delete_after_delivery', true),
    expungeDeleted: section.boolean('expunge_deleted', false),
    inboxMethod: section.oneOf('inbox_method', ['imap', 'microsoft_graph'] as const, 'imap'),
    inboxOptions: section.mapping('inbox_options'),
    searchCommand: section.string('search_command', 'UNSEEN'),
    gitlabUrl: section.string('gitlab_url'),
    secretFile: section.string('secret_file'),
    encryptedSecretFile: resolvePath(
      section.string('encrypted_secret_file') ?? path.join(secretsDir, `${section.path}.yaml.enc`),
    ),
  };
  section.rejectUnknown(GITLAB_ONLY_KEYS);
  return mailbox;
}

function checkAddresses(root: Section, incoming: MailboxConfig, serviceDesk: MailboxConfig, domains: string[]): void {
  for (const [key, mailbox] of [
    ['incoming_email', incoming],
    ['service_desk_email', serviceDesk],
  ] as const) {
    if (!mailbox.enabled) continue;
    const where = root.section(key);
    if (!mailbox.address) {
      where.fail('address', 'is required when enabled is true');
      continue;
    }
    const at = mailbox.address.lastIndexOf('@');
    if (at <= 0 || at === mailbox.address.length - 1) {
      where.fail(
        'address',
        `must be an email address template such as incoming+%{key}@example.com, got ${JSON.stringify(mailbox.address)}`,
      );
    } else if (!domains.includes(domainOf(mailbox.address))) {
      where.fail('address', `its domain ${domainOf(mailbox.address)} is not in smtp.accepted_domains`);
    }
    try {
      compileTemplate(mailbox.address);
    } catch (error) {
      where.fail('address', (error as Error).message);
    }
    if (key === 'service_desk_email' && !mailbox.address.includes('%{key}')) {
      where.fail('address', 'must contain %{key}: Service Desk addresses carry the project key');
    }
  }
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
