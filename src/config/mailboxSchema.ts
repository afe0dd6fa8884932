import path from 'node:path';
import type { Section } from './reader.js';
import { readSearchCommand } from './searchCommand.js';
import type { DeliveryMethod, MailboxConfig, SslOptions } from './types.js';

// mail_room refuses an IDLE longer than 29 minutes; servers drop idle clients after 30.
const MAX_IDLE_TIMEOUT_SECONDS = 29 * 60;
// GitLab's names for "POST to GitLab's internal mail_room API" (gitlab.yml, mail_room), and Sidekiq.
const DELIVERY_METHODS: readonly DeliveryMethod[] = ['webhook', 'postback', 'sidekiq'];
// OpenSSL's client-side verify modes as mail_room's ssl hash names them (or their numbers).
const VERIFY_MODES: Record<string, SslOptions['verifyMode']> = {
  none: 'none',
  '0': 'none',
  peer: 'peer',
  '1': 'peer',
  fail_if_no_peer_cert: 'peer',
  '2': 'peer',
  client_once: 'peer',
  '4': 'peer',
};

/** GitLab's `incoming_email` / `service_desk_email` section, with mail_room's mailbox keys. */
export function readMailbox(
  section: Section,
  secretsDir: string,
  resolvePath: (file: string) => string,
): MailboxConfig {
  const address = section.string('address') ?? null;
  const sslOptions = readSsl(section, resolvePath);
  const mailbox: MailboxConfig = {
    enabled: section.boolean('enabled', false),
    address,
    user: section.string('user'),
    password: section.string('password'),
    host: section.string('host'),
    port: section.integer('port', 143, 1, 65535),
    ssl: sslOptions !== false,
    sslOptions: sslOptions === false ? { verifyMode: 'peer' } : sslOptions,
    startTls: section.boolean('start_tls', false),
    mailbox: section.string('mailbox', 'inbox'),
    idleTimeoutSeconds: section.integer('idle_timeout', 60, 1, MAX_IDLE_TIMEOUT_SECONDS),
    deleteAfterDelivery: section.boolean('delete_after_delivery', true),
    expungeDeleted: section.boolean('expunge_deleted', false),
    limitMaxUnread: section.integer('limit_max_unread', 0, 0, 1_000_000),
    inboxMethod: section.oneOf('inbox_method', ['imap', 'microsoft_graph'] as const, 'imap'),
    inboxOptions: section.mapping('inbox_options'),
    searchCommand: readSearchCommand(section),
    deliveryMethod: readDeliveryMethod(section),
    logPath: section.string('log_path') ?? section.string('log_file'),
    gitlabUrl: section.string('gitlab_url'),
    secretFile: section.string('secret_file'),
    encryptedSecretFile: resolvePath(
      section.string('encrypted_secret_file') ?? path.join(secretsDir, `${section.path}.yaml.enc`),
    ),
  };
  if (mailbox.ssl && mailbox.startTls) {
    section.fail(
      'start_tls',
      'cannot be true together with ssl: ssl is TLS from the first byte, start_tls upgrades a cleartext connection; keep one',
    );
  }
  section.rejectUnknown();
  return mailbox;
}

/** `ssl: true|false`, or mail_room's hash of SSL options, which also means "on". */
function readSsl(section: Section, resolvePath: (file: string) => string): SslOptions | false {
  if (!section.has('ssl') || typeof section.peek('ssl') === 'boolean') {
    return section.boolean('ssl', false) ? { verifyMode: 'peer' } : false;
  }
  const options = section.section('ssl');
  const mode = options
    .string('verify_mode', 'peer')
    .toLowerCase()
    .replace(/^openssl::ssl::verify_/, '');
  const verifyMode = VERIFY_MODES[mode];
  if (!verifyMode) {
    options.fail(
      'verify_mode',
      `must be one of none, peer, fail_if_no_peer_cert, client_once (or 0, 1, 2, 4), got ${JSON.stringify(mode)}`,
    );
  }
  const caFile = options.string('ca_file');
  options.rejectUnknown();
  return { verifyMode: verifyMode ?? 'peer', caFile: caFile && resolvePath(caFile) };
}

function readDeliveryMethod(section: Section): DeliveryMethod | undefined {
  const given = section.string('delivery_method');
  if (given === undefined) return undefined;
  if ((DELIVERY_METHODS as readonly string[]).includes(given)) return given as DeliveryMethod;
  section.fail(
    'delivery_method',
    `${JSON.stringify(given)} is not a way Postroom delivers: every message is stored in Postroom's spool and routed to the sink; use sink: embedded (the built-in tracker) or sink: gitlab (GitLab's internal mail_room API), and webhook, postback or sidekiq here if you keep the key`,
  );
  return undefined;
}
