import path from 'node:path';
import { compileTemplate } from '../address/index.js';
import { readHttp } from './httpSchema.js';
import { readPostmaster } from './postmasterSchema.js';
import { readOutgoing } from './outgoingSchema.js';
import { readGitlabApi } from './gitlabApiSchema.js';
import { readMailbox } from './mailboxSchema.js';
import { readProcessing } from './processingSchema.js';
import { readReply } from './replySchema.js';
import { readSenderAuth } from './senderAuthSchema.js';
import { isMailboxProviderDomain } from './mailboxProviders.js';
import { domainOf, readSmtp } from './smtpSchema.js';
import { ConfigErrors, Section, type Json } from './reader.js';
import type { LogLevel, MailboxConfig, PostroomConfig, SmtpConfig } from './types.js';

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ParseOptions {
  source?: string;
  /** Relative paths (store, TLS files) are resolved against this directory. */
  baseDir?: string;
}

/** Validates a parsed YAML document; throws ConfigErrors listing every problem found. */
const DAY_MS = 86_400_000;
const DEFAULT_RETENTION_MS = 30 * DAY_MS;

export function parseConfig(raw: Json, options: ParseOptions = {}): PostroomConfig {
  const problems: string[] = [];
  const root = Section.root(raw, problems);
  const baseDir = options.baseDir ?? process.cwd();
  const resolvePath = (file: string) => path.resolve(baseDir, file);

  const storeSection = root.section('store');
  const store = {
    path: resolvePath(storeSection.string('path', './data/postroom.db')),
    retentionMs: storeSection.duration('retention', DEFAULT_RETENTION_MS, 0, 3650 * DAY_MS),
  };
  storeSection.rejectUnknown();
  // Encrypted credentials and their key live beside the spool unless placed elsewhere.
  const secretsDir = path.join(path.dirname(store.path), 'secrets');
  const secretsSection = root.section('secrets');
  const secrets = { keyFile: resolvePath(secretsSection.string('key_file') ?? path.join(secretsDir, 'key')) };
  secretsSection.rejectUnknown();

  const incomingEmail = readMailbox(root.section('incoming_email'), secretsDir, resolvePath);
  const serviceDeskEmail = readMailbox(root.section('service_desk_email'), secretsDir, resolvePath);
  const smtp = readSmtp(
    root.section('smtp'),
    [
      ['incoming_email', incomingEmail],
      ['service_desk_email', serviceDeskEmail],
    ],
    resolvePath,
  );

  const logSection = root.section('log');
  const log = { level: logSection.oneOf('level', LOG_LEVELS, 'info') };
  logSection.rejectUnknown();
  const host = root.string('host', smtp.hostname);
  const outgoing = readOutgoing(root.section('outgoing'), host);
  const processing = readProcessing(root, resolvePath);
  const gitlab = readGitlabApi(root.section('gitlab'));
  const http = readHttp(root.section('http'), [incomingEmail, serviceDeskEmail]);
  const reply = readReply(root.section('reply'));
  const senderAuth = readSenderAuth(root.section('sender_auth'));
  const postmaster = readPostmaster(root.section('postmaster'));
  root.rejectUnknown();

  checkAddresses(root, incomingEmail, serviceDeskEmail, smtp);
  const polled = [incomingEmail, serviceDeskEmail].some(
    (m) => m.enabled && (m.host || m.inboxMethod === 'microsoft_graph'),
  );
  if (!smtp.enabled && !polled) {
    root
      .section('smtp')
      .fail(
        'enabled',
        'is false, but no mailbox is polled (no host, no inbox_method: microsoft_graph): no mail could arrive',
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
    reply,
    senderAuth,
    postmaster,
    gitlab,
    ...processing,
  };
}

function checkAddresses(root: Section, incoming: MailboxConfig, serviceDesk: MailboxConfig, smtp: SmtpConfig): void {
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
    } else if (smtp.enabled) {
      checkDomain(where, domainOf(mailbox.address), smtp);
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

/** The SMTP front may only claim domains the operator means; a provider's domain must be listed on purpose. */
function checkDomain(where: Section, domain: string, smtp: SmtpConfig): void {
  if (!smtp.acceptedDomainsGiven && isMailboxProviderDomain(domain)) {
    where.fail(
      'address',
      `${domain} is a mailbox provider's domain: taken as an accepted domain, Postroom's SMTP front would accept mail for every ${domain} address. Poll the mailbox with the SMTP front off (smtp.enabled: false, mail_room mode), or list the domains the front may accept in smtp.accepted_domains`,
    );
  } else if (!smtp.acceptedDomains.includes(domain)) {
    where.fail('address', `its domain ${domain} is not in smtp.accepted_domains`);
  }
}
