import { describe, expect, it } from 'vitest';
import { ConfigErrors, parseConfigText, type PostroomConfig } from '../../src/config/index.js';

const SMTP_OFF = 'smtp:\n  enabled: false\n';
const POLLED =
  'incoming_email:\n  enabled: true\n  address: "incoming+%{key}@mail.example.com"\n  host: imap.example.com\n';

function load(mailbox: string, rest = SMTP_OFF): PostroomConfig {
  return parseConfigText(`${POLLED}${mailbox}${rest}`, 'test.yml', {});
}

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'test.yml', {});
  } catch (error) {
    if (error instanceof ConfigErrors) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe("the keys of GitLab's and mail_room's mailbox sections", () => {
  it('takes log_path and log_file, limit_max_unread and expunge_deleted', () => {
    const config = load(
      '  log_path: "log/mail_room_json.log"\n  limit_max_unread: 25\n  delete_after_delivery: true\n  expunge_deleted: true\n',
    );
    expect(config.incomingEmail).toMatchObject({
      logPath: 'log/mail_room_json.log',
      limitMaxUnread: 25,
      expungeDeleted: true,
    });
    expect(load('  log_file: /var/log/gitlab/mailroom/mail_room_json.log\n').incomingEmail.logPath).toBe(
      '/var/log/gitlab/mailroom/mail_room_json.log',
    );
    expect(problems(`${POLLED}  limit_max_unread: -1\n${SMTP_OFF}`)).toEqual([
      expect.stringMatching(/^incoming_email\.limit_max_unread: must be a whole number from 0/),
    ]);
  });

  it('takes the search keys mail_room passes to UID SEARCH, alone or together, and refuses the rest', () => {
    expect(load('').incomingEmail.searchCommand).toEqual(['UNSEEN']);
    expect(load('  search_command: "NEW"\n').incomingEmail.searchCommand).toEqual(['NEW']);
    expect(load('  search_command: "unseen undeleted"\n').incomingEmail.searchCommand).toEqual(['UNSEEN', 'UNDELETED']);
    expect(problems(`${POLLED}  search_command: 'FROM "boss"'\n${SMTP_OFF}`)).toEqual([
      expect.stringMatching(
        /^incoming_email\.search_command: FROM "BOSS" is not supported; use one or more of ALL, UNSEEN/,
      ),
    ]);
  });

  it('takes delivery_method webhook, postback and sidekiq, and says what to use for the others', () => {
    for (const method of ['webhook', 'postback', 'sidekiq']) {
      expect(load(`  delivery_method: ${method}\n`).incomingEmail.deliveryMethod).toBe(method);
    }
    expect(problems(`${POLLED}  delivery_method: que\n${SMTP_OFF}`)).toEqual([
      expect.stringContaining('use sink: embedded (the built-in tracker) or sink: gitlab'),
    ]);
  });

  it("takes ssl as true/false or as mail_room's hash of SSL options", () => {
    expect(load('  ssl: true\n').incomingEmail).toMatchObject({ ssl: true, sslOptions: { verifyMode: 'peer' } });
    expect(load('  ssl: false\n').incomingEmail).toMatchObject({ ssl: false });
    const hash = load('  ssl:\n    verify_mode: none\n').incomingEmail;
    expect(hash).toMatchObject({ ssl: true, sslOptions: { verifyMode: 'none' } });
    expect(load('  ssl: { verify_mode: 1, ca_file: /etc/ssl/ca.pem }\n').incomingEmail.sslOptions).toEqual({
      verifyMode: 'peer',
      caFile: '/etc/ssl/ca.pem',
    });
    expect(problems(`${POLLED}  ssl: { verify_mode: sometimes, cert: x }\n${SMTP_OFF}`)).toEqual([
      expect.stringMatching(/^incoming_email\.ssl\.verify_mode: must be one of none, peer/),
      'incoming_email.ssl.cert: unknown key',
    ]);
    expect(problems(`${POLLED}  ssl: true\n  start_tls: true\n${SMTP_OFF}`)).toEqual([
      expect.stringMatching(/^incoming_email\.start_tls: cannot be true together with ssl/),
    ]);
  });
});

describe("SMTP front and mailbox providers' domains", () => {
  const gmail =
    'incoming_email:\n  enabled: true\n  address: "gitlab-incoming+%{key}@gmail.com"\n  host: imap.gmail.com\n';

  it('refuses to take a provider domain as an accepted domain, and says the two ways out', () => {
    expect(problems(gmail)).toEqual([
      expect.stringMatching(
        /^incoming_email\.address: gmail\.com is a mailbox provider's domain: .*smtp\.enabled: false.*smtp\.accepted_domains/,
      ),
    ]);
    expect(
      problems('incoming_email:\n  enabled: true\n  address: "incoming+%{key}@contoso.onmicrosoft.com"\n'),
    ).toEqual([expect.stringContaining("contoso.onmicrosoft.com is a mailbox provider's domain")]);
  });

  it('refuses the SMTP front off when no mailbox is polled: no mail could arrive', () => {
    expect(
      problems('incoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\nsmtp:\n  enabled: false\n'),
    ).toEqual([
      'smtp.enabled: is false, but no mailbox is polled (no host, no inbox_method: microsoft_graph): no mail could arrive',
    ]);
  });

  it('accepts the provider domain with the SMTP front off, or when it is listed on purpose', () => {
    const off = parseConfigText(`${gmail}${SMTP_OFF}`, 'test.yml', {});
    expect(off.smtp).toMatchObject({ enabled: false });
    const listed = parseConfigText(`${gmail}smtp:\n  accepted_domains: [gmail.com]\n`, 'test.yml', {});
    expect(listed.smtp).toMatchObject({ enabled: true, acceptedDomains: ['gmail.com'], acceptedDomainsGiven: true });
  });
});
