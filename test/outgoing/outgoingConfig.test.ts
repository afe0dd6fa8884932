import { describe, expect, it } from 'vitest';
import { ConfigErrors, parseConfigText } from '../../src/config/index.js';

const MINIMAL =
  'host: gitlab.example.com\nincoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\n';

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'test.yml', {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigErrors);
    return (error as ConfigErrors).problems;
  }
  throw new Error('the config was accepted');
}

describe('the outgoing config section', () => {
  it('has working defaults derived from the host', () => {
    expect(parseConfigText(MINIMAL, 'test.yml', {}).outgoing).toEqual({
      enabled: true,
      host: 'localhost',
      port: 25,
      secure: false,
      startTls: 'opportunistic',
      user: undefined,
      password: undefined,
      from: { address: 'postroom@gitlab.example.com', name: 'Postroom' },
      baseUrl: 'http://gitlab.example.com',
      noticeLimitPerSenderPerHour: 5,
      concurrency: 4,
      retryBaseMs: 30_000,
      retryMaxMs: 3_600_000,
      maxAgeMs: 172_800_000,
    });
  });

  it('reads every key, and defaults the port to 465 for implicit TLS', () => {
    const config = parseConfigText(
      `${MINIMAL}outgoing:
  enabled: false
  host: smtp.example.com
  secure: true
  user: relay-user
  password: "\${RELAY_PASSWORD}"
  from:
    address: gitlab@example.com
    name: Example GitLab
  base_url: https://gitlab.example.com/
  notice_limit_per_sender_per_hour: 2
  concurrency: 8
  retry_base: 10s
  retry_max: 30m
  max_age: 1d
`,
      'test.yml',
      { RELAY_PASSWORD: 's3cret' },
    );
    expect(config.outgoing).toEqual({
      enabled: false,
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      startTls: 'opportunistic',
      user: 'relay-user',
      password: 's3cret',
      from: { address: 'gitlab@example.com', name: 'Example GitLab' },
      baseUrl: 'https://gitlab.example.com',
      noticeLimitPerSenderPerHour: 2,
      concurrency: 8,
      retryBaseMs: 10_000,
      retryMaxMs: 1_800_000,
      maxAgeMs: 86_400_000,
    });
  });

  it('reports every mistake with its key path', () => {
    const problems = problemsOf(`${MINIMAL}outgoing:
  port: 70000
  start_tls: sometimes
  password: alone
  from:
    address: "Example <gitlab@example.com>"
    colour: blue
  base_url: ftp://example.com
  notice_limit_per_sender_per_hour: -1
  retries: 3
`);
    expect(problems).toEqual([
      'outgoing.start_tls: must be one of require, opportunistic, never, got "sometimes"',
      'outgoing.password: is given without outgoing.user',
      'outgoing.port: must be a whole number from 1 to 65535, got 70000',
      'outgoing.from.colour: unknown key',
      'outgoing.from.address: must be a bare address such as postroom@example.com (the display name goes in outgoing.from.name), got "Example <gitlab@example.com>"',
      'outgoing.base_url: must be an http or https URL such as https://gitlab.example.com, got "ftp://example.com"',
      'outgoing.notice_limit_per_sender_per_hour: must be a whole number from 0 to 10000, got -1',
      'outgoing.retries: unknown key',
    ]);
  });

  it('refuses STARTTLS settings on a connection that is TLS from the start', () => {
    expect(problemsOf(`${MINIMAL}outgoing:\n  secure: true\n  start_tls: require\n`)).toEqual([
      'outgoing.start_tls: has no effect when secure is true (the connection is TLS from the first byte); remove one of them',
    ]);
  });

  it('is refused where it is not a mapping', () => {
    expect(problemsOf(`${MINIMAL}outgoing: smtp.example.com\n`)).toEqual([
      'outgoing: must be a mapping, got "smtp.example.com"',
    ]);
  });
});
