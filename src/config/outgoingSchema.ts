import type { Section } from './reader.js';
import type { OutgoingConfig, StartTlsMode } from './types.js';

const START_TLS_MODES: readonly StartTlsMode[] = ['require', 'opportunistic', 'never'];
const DEFAULT_NOTICE_LIMIT_PER_HOUR = 5;
// Enough to keep a relay's pipeline busy without looking like a flood to it.
const DEFAULT_CONCURRENCY = 4;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Deliberately loose: the relay is the judge of deliverability; this only catches a pasted display name or a typo.
const PLAIN_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/;

/** The `outgoing` section: the relay we hand mail to, and who the mail is from. */
export function readOutgoing(section: Section, host: string): OutgoingConfig {
  const secure = section.boolean('secure', false);
  const startTlsGiven = section.has('start_tls');
  const startTls = section.oneOf('start_tls', START_TLS_MODES, 'opportunistic');
  if (secure && startTlsGiven && startTls !== 'never') {
    section.fail(
      'start_tls',
      'has no effect when secure is true (the connection is TLS from the first byte); remove one of them',
    );
  }
  const user = section.string('user');
  const password = section.string('password');
  if (password !== undefined && user === undefined) section.fail('password', 'is given without outgoing.user');

  const outgoing: OutgoingConfig = {
    enabled: section.boolean('enabled', true),
    host: section.string('host', 'localhost'),
    // 465 is where implicit TLS lives; 25 is a local relay's plain port.
    port: section.integer('port', secure ? 465 : 25, 1, 65535),
    secure,
    startTls,
    user,
    password,
    from: readFrom(section.section('from'), host),
    baseUrl: readBaseUrl(section, host),
    noticeLimitPerSenderPerHour: section.integer(
      'notice_limit_per_sender_per_hour',
      DEFAULT_NOTICE_LIMIT_PER_HOUR,
      0,
      10_000,
    ),
    concurrency: section.integer('concurrency', DEFAULT_CONCURRENCY, 1, 32),
    retryBaseMs: section.duration('retry_base', 30_000, 100, HOUR_MS),
    retryMaxMs: section.duration('retry_max', HOUR_MS, 100, DAY_MS),
    maxAgeMs: section.duration('max_age', 2 * DAY_MS, 1000, 30 * DAY_MS),
  };
  section.rejectUnknown();
  return outgoing;
}

function readFrom(section: Section, host: string): OutgoingConfig['from'] {
  const address = section.string('address', `postroom@${host}`);
  const name = section.string('name', 'Postroom');
  section.rejectUnknown();
  if (!PLAIN_ADDRESS.test(address)) {
    section.fail(
      'address',
      `must be a bare address such as postroom@example.com (the display name goes in outgoing.from.name), got ${JSON.stringify(address)}`,
    );
  }
  if (/[\r\n]/.test(name)) section.fail('name', 'must be a single line');
  return { address, name };
}

function readBaseUrl(section: Section, host: string): string {
  const baseUrl = section.string('base_url', `http://${host}`);
  let parsed: URL | null = null;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    section.fail(
      'base_url',
      `must be an http or https URL such as https://gitlab.example.com, got ${JSON.stringify(baseUrl)}`,
    );
    return `http://${host}`;
  }
  return baseUrl.replace(/\/+$/, '');
}
