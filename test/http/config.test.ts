import { describe, expect, it } from 'vitest';
import { ConfigErrors, parseConfigText } from '../../src/config/index.js';

const BASE = `
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, 'test.yml', env);
    return [];
  } catch (error) {
    if (error instanceof ConfigErrors) return error.problems;
    throw error;
  }
}

describe('the http section', () => {
  it('is off by default, on 127.0.0.1:8025, so a config without it opens no port', () => {
    const { http } = parseConfigText(BASE, 'test.yml', {});
    expect(http).toEqual({
      enabled: false,
      host: '127.0.0.1',
      port: 8025,
      token: undefined,
      unhealthyAfterMs: 5 * 60_000,
      maxQueueAgeMs: 15 * 60_000,
      sessionTtlMs: 8 * 3_600_000,
      operators: [],
    });
  });

  it('takes the readiness age, the session lifetime and the operators', () => {
    const text = `${BASE}http:\n  max_queue_age: 2m\n  session_ttl: 30m\n  operators: [Alice, ops@example.com]\n`;
    expect(parseConfigText(text, 'test.yml', {}).http).toMatchObject({
      maxQueueAgeMs: 2 * 60_000,
      sessionTtlMs: 30 * 60_000,
      operators: ['alice', 'ops@example.com'],
    });
  });

  it('takes the token from the environment', () => {
    const text = `${BASE}http:\n  enabled: true\n  listen: "[::1]:9000"\n  token: "\${POSTROOM_API_TOKEN}"\n`;
    const { http } = parseConfigText(text, 'test.yml', { POSTROOM_API_TOKEN: 'a-long-enough-api-token' });
    expect(http).toMatchObject({ enabled: true, host: '::1', port: 9000, token: 'a-long-enough-api-token' });
  });

  it('requires a token of 16 characters or more when enabled', () => {
    expect(problems(`${BASE}http:\n  enabled: true\n`)).toEqual([
      expect.stringMatching(/^http\.token: is required when enabled is true/),
    ]);
    expect(problems(`${BASE}http:\n  enabled: true\n  token: short\n`)).toEqual([
      'http.token: must be at least 16 characters long',
    ]);
  });

  it('refuses a bad listen address and unknown keys, with their key paths', () => {
    expect(problems(`${BASE}http:\n  listen: 8025\n  tokn: x\n`)).toEqual([
      'http.listen: must be host:port such as 127.0.0.1:8025 or [::1]:8025, got "8025"',
      'http.tokn: unknown key',
    ]);
  });

  it('keeps unhealthy_after longer than an IMAP IDLE cycle, which reports success only when it ends', () => {
    const idle = `incoming_email:\n  enabled: true\n  address: "incoming+%{key}@postroom.test"\n  idle_timeout: 600\n`;
    expect(parseConfigText(idle, 'test.yml', {}).http.unhealthyAfterMs).toBe(20 * 60_000);
    expect(problems(`${idle}http:\n  unhealthy_after: 10m\n`)).toEqual([
      'http.unhealthy_after: must be longer than the longest idle_timeout (600s), or a healthy IDLE looks stuck',
    ]);
    expect(parseConfigText(`${idle}http:\n  unhealthy_after: 11m\n`, 'test.yml', {}).http.unhealthyAfterMs).toBe(
      11 * 60_000,
    );
  });
});
