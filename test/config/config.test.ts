import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors, loadConfig, parseConfigText } from '../../src/config/index.js';
import { tempDir } from '../helpers/postroom.js';

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, 'test.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigErrors);
    return (error as ConfigErrors).problems;
  }
  throw new Error('the config was accepted');
}

const MINIMAL = 'incoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\n';

describe('config', () => {
  it('loads the sample config with the documented values', () => {
    const config = loadConfig('config/postroom.yml', {});
    expect(config.smtp.host).toBe('127.0.0.1');
    expect(config.smtp.port).toBe(2525);
    expect(config.incomingEmail.address).toBe('incoming+%{key}@postroom.test');
    expect(config.serviceDeskEmail.address).toBe('contact+%{key}@postroom.test');
    expect(config.smtp.maxMessageSize).toBe(25 * 1024 * 1024);
    expect(config.smtp.acceptedDomains).toEqual(['postroom.test']);
    expect(config.store.path).toBe(path.resolve('data/postroom.db'));
    expect(config.host).toBe('postroom.test');
    expect(config.worker.heapLimit).toBe(256 * 1024 * 1024);
  });

  it('takes a pasted GitLab incoming_email section, IMAP keys included', () => {
    const config = parseConfigText(
      `incoming_email:
  enabled: true
  address: "gitlab-incoming+%{key}@gmail.com"
  user: "gitlab-incoming@gmail.com"
  password: "[REDACTED]"
  host: "imap.gmail.com"
  port: 993
  ssl: true
  start_tls: false
  mailbox: "inbox"
  idle_timeout: 60
  log_file: "/var/log/gitlab/mailroom/mail_room_json.log"
  delete_after_delivery: true
  expunge_deleted: false
smtp:
  enabled: false
`,
      'gitlab.yml',
      {},
    );
    expect(config.incomingEmail).toMatchObject({
      user: 'gitlab-incoming@gmail.com',
      host: 'imap.gmail.com',
      port: 993,
      ssl: true,
      idleTimeoutSeconds: 60,
      logPath: '/var/log/gitlab/mailroom/mail_room_json.log',
    });
    expect(config.smtp.enabled).toBe(false);
  });

  it('reports every mistake with its key path', () => {
    const problems = problemsOf(`
incoming_email:
  enabled: yes please
  address: "incoming+%{key}@example.com"
  idle_timeout: 3600
smtp:
  listen: localhost
  max_message_size: lots
  max_recipients: 0
  colour: blue
log:
  level: loud
worker:
  heap_limit: 16MB
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^incoming_email\.enabled: must be true or false, got "yes please"/),
        expect.stringMatching(/^incoming_email\.idle_timeout: must be a whole number from 1 to 1740/),
        expect.stringMatching(/^smtp\.listen: must be host:port/),
        expect.stringMatching(/^smtp\.max_message_size: must be a size/),
        expect.stringMatching(/^smtp\.max_recipients: must be a whole number/),
        'smtp.colour: unknown key',
        expect.stringMatching(/^log\.level: must be one of/),
        'worker.heap_limit: must be at least 32MB, for the routing thread to start at all, got 16777216 bytes',
      ]),
    );
  });

  it('refuses an enabled mailbox without an address, and an address outside the accepted domains', () => {
    expect(problemsOf('incoming_email:\n  enabled: true\nsmtp:\n  accepted_domains: [a.test]\n')).toContain(
      'incoming_email.address: is required when enabled is true',
    );
    expect(problemsOf(`${MINIMAL}smtp:\n  accepted_domains: [other.test]\n`)).toContain(
      'incoming_email.address: its domain example.com is not in smtp.accepted_domains',
    );
  });

  it('refuses a template with %{key} in the domain', () => {
    const problems = problemsOf(
      'incoming_email:\n  enabled: true\n  address: "incoming@%{key}.example.com"\nsmtp:\n  accepted_domains: [example.com]\n',
    );
    expect(problems.some((p) => p.startsWith('incoming_email.address: ') && /domain/.test(p))).toBe(true);
  });

  it('refuses a Service Desk address without %{key}', () => {
    expect(problemsOf(`${MINIMAL}service_desk_email:\n  enabled: true\n  address: "desk@example.com"\n`)).toContain(
      'service_desk_email.address: must contain %{key}: Service Desk addresses carry the project key',
    );
  });

  it('refuses a config with no domain to accept mail for', () => {
    expect(problemsOf('log:\n  level: info\n')[0]).toMatch(/^smtp\.accepted_domains: no domain/);
  });

  it('reports broken YAML instead of guessing', () => {
    expect(problemsOf('incoming_email: [unclosed\n')[0]).toMatch(/^test\.yml: not valid YAML/);
  });

  it('takes secrets from environment variables and names a missing one', () => {
    const text = `${MINIMAL}  password: "\${IMAP_PASSWORD}"\n`;
    expect(parseConfigText(text, 'test.yml', { IMAP_PASSWORD: 's3cret' }).incomingEmail.password).toBe('s3cret');
    expect(problemsOf(text)).toContain('incoming_email.password: environment variable IMAP_PASSWORD is not set');
  });

  it('lets POSTROOM__SECTION__KEY override a value', () => {
    const config = parseConfigText(MINIMAL, 'test.yml', {
      POSTROOM__SMTP__LISTEN: '0.0.0.0:25',
      POSTROOM__SMTP__MAX_RECIPIENTS: '7',
    });
    expect(config.smtp).toMatchObject({ host: '0.0.0.0', port: 25, maxRecipients: 7 });
  });

  it('reads sizes with units and IPv6 listen addresses', () => {
    const config = parseConfigText(
      `${MINIMAL}smtp:\n  listen: "[::1]:2526"\n  max_message_size: 512KB\n`,
      'test.yml',
      {},
    );
    expect(config.smtp).toMatchObject({ host: '::1', port: 2526, maxMessageSize: 512 * 1024 });
  });

  it('names an unreadable file', () => {
    const { dir, cleanup } = tempDir();
    try {
      expect(() => loadConfig(path.join(dir, 'missing.yml'))).toThrow(/missing\.yml: cannot read the file \(ENOENT\)/);
      writeFileSync(path.join(dir, 'ok.yml'), MINIMAL);
      expect(loadConfig(path.join(dir, 'ok.yml'), {}).incomingEmail.enabled).toBe(true);
    } finally {
      cleanup();
    }
  });
});
