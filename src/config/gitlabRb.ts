import { stringify } from 'yaml';
import type { Json } from './reader.js';
import { isPunct, readValue, RubyValueError, tokenize, type Token } from './rubyLiteral.js';

const MAILBOXES = ['incoming_email', 'service_desk_email'] as const;

// Omnibus's gitlab_rails['incoming_email_<name>'] → the gitlab.yml key Postroom reads.
const KEY_NAMES: Record<string, string> = {
  enabled: 'enabled',
  address: 'address',
  email: 'user',
  password: 'password',
  host: 'host',
  port: 'port',
  ssl: 'ssl',
  start_tls: 'start_tls',
  mailbox_name: 'mailbox',
  idle_timeout: 'idle_timeout',
  log_file: 'log_path',
  delete_after_delivery: 'delete_after_delivery',
  expunge_deleted: 'expunge_deleted',
  inbox_method: 'inbox_method',
  inbox_options: 'inbox_options',
  delivery_method: 'delivery_method',
  secret_file: 'secret_file',
  encrypted_secret_file: 'encrypted_secret_file',
  gitlab_url: 'gitlab_url',
};

export interface ImportedConfig {
  /** A Postroom config document, ready to be written as YAML. */
  document: Record<string, Json>;
  /** What was not carried over, and what the operator has to do about it. */
  notes: string[];
}

/**
 * Converts the mail settings of an Omnibus gitlab.rb (`gitlab_rails['incoming_email_*']`,
 * `gitlab_rails['service_desk_email_*']`, `external_url`) into a Postroom config that polls the
 * same mailboxes, as mail_room did, and hands the mail to that GitLab.
 */
export function importGitlabRb(source: string): ImportedConfig {
  const tokens = tokenize(source);
  const notes: string[] = [];
  const sections: Record<string, Record<string, Json>> = { incoming_email: {}, service_desk_email: {} };
  let externalUrl: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'word' && token.text === 'external_url' && tokens[i + 1]?.kind === 'string') {
      externalUrl = (tokens[i + 1] as { text: string }).text;
      continue;
    }
    const setting = settingAt(tokens, i);
    if (!setting) continue;
    const mailbox = MAILBOXES.find((name) => setting.name.startsWith(`${name}_`));
    if (!mailbox) continue;
    const suffix = setting.name.slice(mailbox.length + 1);
    const where = `line ${token.line}: gitlab_rails['${setting.name}']`;
    let value: Json;
    try {
      value = readValue(tokens, setting.valueAt).value;
    } catch (error) {
      if (!(error instanceof RubyValueError)) throw error;
      notes.push(`${where} not converted: ${error.message}; write the value into the YAML by hand`);
      continue;
    }
    const key = KEY_NAMES[suffix];
    if (suffix === 'auth_token') {
      notes.push(
        `${where} not converted: Postroom reads GitLab's mail_room secret from a file; put the value in a file readable only by Postroom and set ${mailbox}.secret_file to it`,
      );
    } else if (!key) {
      notes.push(`${where} not converted: not a key of GitLab's ${mailbox} section`);
    } else if (value !== null) {
      sections[mailbox][key] = value;
    }
  }
  return { document: buildDocument(sections, externalUrl, notes), notes };
}

function settingAt(tokens: Token[], i: number): { name: string; valueAt: number } | undefined {
  const [owner, open, name, close, equals] = tokens.slice(i, i + 5);
  if (owner?.kind !== 'word' || owner.text !== 'gitlab_rails') return undefined;
  if (!isPunct(open, '[') || name?.kind !== 'string' || !isPunct(close, ']') || !isPunct(equals, '=')) {
    return undefined;
  }
  return { name: name.text, valueAt: i + 5 };
}

function buildDocument(
  sections: Record<string, Record<string, Json>>,
  externalUrl: string | undefined,
  notes: string[],
): Record<string, Json> {
  const document: Record<string, Json> = {};
  const url = externalUrl ? safeUrl(externalUrl) : undefined;
  if (url) document.host = url.hostname;
  const present = MAILBOXES.filter((name) => Object.keys(sections[name]).length > 0);
  if (present.length === 0)
    notes.push("no gitlab_rails['incoming_email_*'] or ['service_desk_email_*'] settings found");
  for (const name of present) document[name] = sections[name];
  const polled = present.some(
    (name) =>
      sections[name].enabled === true && (sections[name].host || sections[name].inbox_method === 'microsoft_graph'),
  );
  // mail_room polled these mailboxes and nothing listened for SMTP: Postroom starts the same way.
  if (polled) document.smtp = { enabled: false };
  if (url) {
    document.sink = 'gitlab';
    const incoming = (document.incoming_email ?? {}) as Record<string, Json>;
    incoming.gitlab_url ??= url.origin + url.pathname.replace(/\/+$/, '');
    document.incoming_email = incoming;
    if (!incoming.secret_file) {
      notes.push(
        "sink is gitlab: set incoming_email.secret_file to GitLab's mail_room secret file (base64 of 32 bytes, as GitLab's .gitlab_mailroom_secret), or set sink: embedded to use Postroom's own tracker",
      );
    }
  } else {
    notes.push('no external_url found: the mail goes to the embedded tracker (sink: embedded)');
  }
  return document;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The converted config as YAML, the notes first as comments. */
export function importedConfigText(imported: ImportedConfig, from: string): string {
  const header = [
    `# Converted from ${from} by postroom config import.`,
    ...imported.notes.map((note) => `# NOTE: ${note}`),
    '# Check it with: postroom check --config <this file>',
  ];
  return `${header.join('\n')}\n${stringify(imported.document)}`;
}
