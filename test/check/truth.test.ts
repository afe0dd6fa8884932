import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFront } from '../../src/check/front.js';
import { checkCertificate, checkListener } from '../../src/check/listener.js';
import { checkMailbox } from '../../src/check/mailbox.js';
import { checkRelay } from '../../src/check/relay.js';
import { checkTracker } from '../../src/check/tracker.js';
import { parseConfigText, type MailboxConfig, type PostroomConfig } from '../../src/config/index.js';
import { openTracker } from '../../src/tracker/index.js';
import { closedPort, startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { selfSignedPair } from '../helpers/certificate.js';
import { createDovecot, dovecotBinary, type PrivateDovecot } from '../helpers/dovecot.js';
import { startGraphStandIn, type GraphStandIn } from '../helpers/graphStandIn.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());
const certificate = selfSignedPair(path.join(dir, 'certs'));

function config(extra = ''): PostroomConfig {
  return parseConfigText(`${testConfigText(dir)}${extra}`, 'test.yml', {});
}

describe.skipIf(!dovecotBinary)('check reaches IMAP as the poller does (Dovecot with TLS)', () => {
  let dovecot: PrivateDovecot;
  const logFile = () => path.join(dir, 'dovecot', 'dovecot.log');
  /** Dovecot's own word on the last login: `TLS` when the session was encrypted. */
  const lastLogin = () =>
    readFileSync(logFile(), 'utf8')
      .split('\n')
      .filter((line) => /imap-login: (Info: )?Login:/.test(line))
      .pop();
  beforeAll(async () => {
    chmodSync(dir, 0o755);
    dovecot = await createDovecot(path.join(dir, 'dovecot'), undefined, { tls: certificate });
    await dovecot.start();
  });
  afterAll(() => dovecot.stop());

  const mailbox = (overrides: Partial<MailboxConfig>): MailboxConfig => ({
    ...config().incomingEmail,
    host: dovecot.host,
    port: dovecot.port,
    user: dovecot.user.user,
    password: dovecot.user.password,
    mailbox: 'INBOX',
    ...overrides,
  });

  it('start_tls: false stays in cleartext although the server offers STARTTLS', async () => {
    expect(await checkMailbox('incoming_email', mailbox({ ssl: false, startTls: false }))).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(`${dovecot.host}:${dovecot.port} over cleartext as mailroom`),
    });
    expect(lastLogin()).not.toContain('TLS');
  });

  it('start_tls: true upgrades, and checks the certificate', async () => {
    const trusted = { verifyMode: 'peer' as const, caFile: certificate.cert };
    expect(await checkMailbox('incoming_email', mailbox({ startTls: true, sslOptions: trusted }))).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('over STARTTLS as mailroom'),
    });
    expect(lastLogin()).toContain('TLS');
    expect(await checkMailbox('incoming_email', mailbox({ startTls: true }))).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/over STARTTLS: .*self.signed certificate/i),
    });
  });

  it("ssl: true is TLS from the first byte; mail_room's verify_mode none skips the certificate check", async () => {
    const imaps = { port: dovecot.tlsPort as number, ssl: true };
    expect(
      await checkMailbox(
        'incoming_email',
        mailbox({ ...imaps, sslOptions: { verifyMode: 'peer', caFile: certificate.cert } }),
      ),
    ).toMatchObject({ status: 'ok', detail: expect.stringContaining('over implicit TLS as mailroom') });
    expect(lastLogin()).toContain('TLS');
    expect(await checkMailbox('incoming_email', mailbox(imaps))).toMatchObject({ status: 'fail' });
    expect(
      await checkMailbox('incoming_email', mailbox({ ...imaps, sslOptions: { verifyMode: 'none' } })),
    ).toMatchObject({ status: 'ok' });
  });
});

describe('check reads the Microsoft Graph mailbox, not only the token', () => {
  let graph: GraphStandIn;
  beforeAll(async () => {
    graph = await startGraphStandIn();
  });
  afterAll(() => graph.close());

  const mailbox = (secret: string): MailboxConfig => ({
    ...config().incomingEmail,
    inboxMethod: 'microsoft_graph',
    user: graph.user,
    mailbox: graph.folder,
    inboxOptions: {
      tenant_id: graph.tenant,
      client_id: graph.clientId,
      client_secret: secret,
      azure_ad_endpoint: graph.url,
      graph_endpoint: graph.url,
    },
  });

  it('lists the unread messages with the token, and names a refused secret', async () => {
    graph.add(Buffer.from('Subject: one\r\n\r\nx\r\n'));
    expect(await checkMailbox('incoming_email', mailbox(graph.clientSecret))).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(`${graph.user}'s inbox folder has 1 unread message(s)`),
    });
    expect(graph.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /${graph.tenant}/oauth2/v2.0/token 200`,
      `GET /v1.0/users/${graph.user}/mailFolders/inbox/messages 200`,
    ]);
    expect(await checkMailbox('incoming_email', mailbox('wrong'))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('token request: 401'),
    });
  });

  it('fails when the folder cannot be read', async () => {
    expect(await checkMailbox('incoming_email', { ...mailbox(graph.clientSecret), mailbox: 'nowhere' })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('404'),
    });
  });
});

describe('check tries the outgoing relay: connect, EHLO, STARTTLS, AUTH', () => {
  let relay: CaptureRelay;
  beforeAll(async () => {
    relay = await startCaptureRelay({
      auth: { user: 'postroom', pass: 'relay-secret' },
      tls: { key: readFileSync(certificate.key), cert: readFileSync(certificate.cert) },
    });
  });
  afterAll(() => relay.close());

  const outgoing = (extra: string) =>
    config().outgoing.enabled
      ? config()
      : parseConfigText(
          testConfigText(dir).replace('outgoing:\n  enabled: false\n', `outgoing:\n  enabled: true\n${extra}`),
          'test.yml',
          {},
        );

  it('upgrades with STARTTLS and logs in, as the mailer would; nothing is sent', async () => {
    const c = outgoing(
      `  host: 127.0.0.1\n  port: ${relay.port}\n  start_tls: opportunistic\n  user: postroom\n  password: relay-secret\n`,
    );
    expect(await checkRelay(c)).toMatchObject({
      status: 'ok',
      detail: `127.0.0.1:${relay.port} answered EHLO; STARTTLS, AUTH as postroom accepted`,
    });
    expect(relay.sessions.at(-1)).toEqual({ tls: true, user: 'postroom' });
    expect(relay.messages).toEqual([]);
  });

  it('names a refused login, a certificate that cannot be trusted, and a relay that is down', async () => {
    const base = `  host: 127.0.0.1\n  port: ${relay.port}\n`;
    expect(await checkRelay(outgoing(`${base}  user: postroom\n  password: wrong\n`))).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/after STARTTLS: .*535/),
    });
    expect(await checkRelay(outgoing(`${base}  start_tls: require\n`))).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/self.signed certificate/i),
    });
    const down = await closedPort();
    expect(await checkRelay(outgoing(`  host: 127.0.0.1\n  port: ${down}\n`))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('check opens the tracker and measures its real addresses', () => {
  it('warns when a project makes an address over 64 characters before the @', async () => {
    const c = config();
    expect(checkTracker(c)).toEqual([
      { status: 'ok', name: 'tracker', detail: `${c.tracker.path} will be created at the first start` },
    ]);
    const tracker = openTracker(c.tracker.path);
    tracker.createUser({
      username: 'jake',
      email: 'jake@example.com',
      incomingEmailToken: 'glimt-0123456789abcdefghijklmn',
    });
    await tracker.createProject({ fullPath: 'web/site' });
    tracker.close();
    const [opened, short] = checkTracker(c);
    expect(opened).toMatchObject({ status: 'ok', detail: `${c.tracker.path} opens; 1 project(s)` });
    // incoming+ (9) web-site-1- (11) glimt-… (30) -merge-request (14): exactly the limit
    expect(short).toMatchObject({
      status: 'ok',
      detail:
        "web/site's new merge request address has 64 of 64 characters before the @ (with the longest token of a user)",
    });

    const longer = openTracker(c.tracker.path);
    await longer.createProject({ fullPath: 'engineering/website' });
    longer.close();
    expect(checkTracker(c)[1]).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /^incoming\+engineering-website-2-glimt-0123456789abcdefghijklmn-merge-request@postroom\.test \(engineering\/website's new merge request address, with the longest token of a user\) has 75 characters before the @/,
      ),
    });
  });
});

describe('check with the SMTP front off', () => {
  it('says so and skips the listener and certificate', async () => {
    const off = config('');
    off.smtp.enabled = false;
    expect(checkFront(off)).toEqual({
      status: 'ok',
      name: 'smtp front',
      detail: 'off (smtp.enabled: false, mail_room mode)',
    });
    expect(await checkListener(off)).toMatchObject({ status: 'skip' });
    expect(checkCertificate(off)).toMatchObject({ status: 'skip' });
    expect(checkFront(config())).toMatchObject({
      detail: 'accepts mail for postroom.test (the domains of the addresses)',
    });
  });
});
