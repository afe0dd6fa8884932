import type { Section } from './reader.js';
import type { HttpConfig, MailboxConfig } from './types.js';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8025;
// A bearer token guessable in a few tries would make the API open; 16 characters is the floor.
const MIN_TOKEN_LENGTH = 16;
const MIN_UNHEALTHY_AFTER_MS = 5 * 60_000;
// Routing that leaves due mail waiting this long is not keeping up (or not running).
const DEFAULT_MAX_QUEUE_AGE_MS = 15 * 60_000;
const DEFAULT_SESSION_TTL_MS = 8 * 3_600_000;

/**
 * The `http` section: health, metrics and the tracker's API. Off unless enabled, so a config
 * without the section opens no port; when on, the API's token is required.
 */
export function readHttp(section: Section, mailboxes: MailboxConfig[]): HttpConfig {
  const enabled = section.boolean('enabled', false);
  const listen = readListen(section);
  const token = section.string('token') || undefined;
  if (enabled && token === undefined) {
    section.fail(
      'token',
      'is required when enabled is true (health and metrics are open, the API is not); e.g. token: "${POSTROOM_API_TOKEN}"',
    );
  } else if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    section.fail('token', `must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  // An IMAP poller reports success once per IDLE cycle, so a healthy one can be silent for a whole idle_timeout.
  const longestIdleMs = Math.max(0, ...mailboxes.filter((m) => m.enabled).map((m) => m.idleTimeoutSeconds * 1000));
  const unhealthyAfterMs = section.duration(
    'unhealthy_after',
    Math.max(MIN_UNHEALTHY_AFTER_MS, 2 * longestIdleMs),
    1000,
    86_400_000,
  );
  if (section.has('unhealthy_after') && unhealthyAfterMs <= longestIdleMs) {
    section.fail(
      'unhealthy_after',
      `must be longer than the longest idle_timeout (${longestIdleMs / 1000}s), or a healthy IDLE looks stuck`,
    );
  }
  const maxQueueAgeMs = section.duration('max_queue_age', DEFAULT_MAX_QUEUE_AGE_MS, 10_000, 7 * 86_400_000);
  const sessionTtlMs = section.duration('session_ttl', DEFAULT_SESSION_TTL_MS, 60_000, 30 * 86_400_000);
  const operators = (section.stringList('operators') ?? []).map((name) => name.toLowerCase());
  section.rejectUnknown();
  return { enabled, ...listen, token, unhealthyAfterMs, maxQueueAgeMs, sessionTtlMs, operators };
}

function readListen(section: Section): { host: string; port: number } {
  const listen = section.string('listen', `${DEFAULT_HOST}:${DEFAULT_PORT}`);
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    section.fail('listen', `must be host:port such as 127.0.0.1:8025 or [::1]:8025, got ${JSON.stringify(listen)}`);
    return { host: DEFAULT_HOST, port: DEFAULT_PORT };
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
