import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type PostroomConfig } from '../../src/config/index.js';
import { selfSignedPair } from '../helpers/certificate.js';
import { startCaptureRelay } from '../helpers/captureRelay.js';
import { runCli } from '../helpers/cli.js';
import { createDovecot, dovecotBinary, type PrivateDovecot } from '../helpers/dovecot.js';
import { startGraphStandIn, type GraphStandIn } from '../helpers/graphStandIn.js';
import { tempDir } from '../helpers/postroom.js';

const EXAMPLES_DIR = path.resolve('config/examples');
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.yml'));
const IMAP_PASSWORD = 'imap-secret';
const SMTP_PASSWORD = 'smtp-secret';
// What every example asks the operator to set in the environment.
const SECRETS = {
  POSTROOM_IMAP_PASSWORD: IMAP_PASSWORD,
  POSTROOM_SMTP_PASSWORD: SMTP_PASSWORD,
  POSTROOM_API_TOKEN: 'example-api-token-0123',
  POSTROOM_GRAPH_CLIENT_SECRET: 'set-below',
};

const { dir, cleanup } = tempDir();
const certificate = selfSignedPair(path.join(dir, 'certs'), 'stand-in');
const examples = new Map<string, PostroomConfig>(
  EXAMPLES.map((file) => [file, loadConfig(path.join(EXAMPLES_DIR, file), SECRETS)]),
);
let graph: GraphStandIn;
let dovecot: PrivateDovecot | undefined;

beforeAll(async () => {
  graph = await startGraphStandIn();
  if (!dovecotBinary) return;
  // Every IMAP example's own user, as written in the example.
  const users = [...new Set([...examples.values()].filter(isImap).map((c) => c.incomingEmail.user as string))];
  chmodSync(dir, 0o755);
  dovecot = await createDovecot(
    path.join(dir, 'dovecot'),
    { user: users[0], password: IMAP_PASSWORD },
    { tls: certificate, moreUsers: users.slice(1).map((user) => ({ user, password: IMAP_PASSWORD })) },
  );
  await dovecot.start();
});
afterAll(async () => {
  await dovecot?.stop();
  await graph.close();
  cleanup();
});

function isImap(config: PostroomConfig): boolean {
  return config.incomingEmail.inboxMethod === 'imap';
}

/**
 * `postroom check` on an example as pasted, in a fresh working directory. Only what DNS would
 * decide is pointed at the stand-ins (hosts and ports, through POSTROOM__ overrides); their
 * certificate is trusted through NODE_EXTRA_CA_CERTS, so TLS is verified for real.
 */
async function checkExample(file: string, overrides: Record<string, string> = {}) {
  const config = examples.get(file) as PostroomConfig;
  const user = config.outgoing.user;
  const relay = await startCaptureRelay({
    tls: { key: readFileSync(certificate.key), cert: readFileSync(certificate.cert) },
    auth: user === undefined ? undefined : { user, pass: SMTP_PASSWORD },
  });
  const mailbox = config.incomingEmail;
  const stand = isImap(config)
    ? {
        POSTROOM__INCOMING_EMAIL__HOST: '127.0.0.1',
        POSTROOM__INCOMING_EMAIL__PORT: String(mailbox.ssl ? dovecot?.tlsPort : dovecot?.port),
      }
    : {
        POSTROOM__INCOMING_EMAIL__INBOX_OPTIONS__AZURE_AD_ENDPOINT: graph.url,
        POSTROOM__INCOMING_EMAIL__INBOX_OPTIONS__GRAPH_ENDPOINT: graph.url,
        POSTROOM__INCOMING_EMAIL__INBOX_OPTIONS__TENANT_ID: graph.tenant,
        POSTROOM__INCOMING_EMAIL__INBOX_OPTIONS__CLIENT_ID: graph.clientId,
        POSTROOM_GRAPH_CLIENT_SECRET: graph.clientSecret,
      };
  if (!isImap(config)) graph.user = mailbox.user as string;
  try {
    const result = await runCli(['check', '--config', path.join(EXAMPLES_DIR, file)], {
      cwd: mkdtempSync(path.join(dir, 'run-')),
      env: {
        ...process.env,
        ...SECRETS,
        NODE_EXTRA_CA_CERTS: certificate.cert,
        POSTROOM__OUTGOING__HOST: '127.0.0.1',
        POSTROOM__OUTGOING__PORT: String(relay.port),
        ...stand,
        ...overrides,
      },
    });
    return { ...result, relay: { port: relay.port, sessions: relay.sessions, messages: relay.messages.length } };
  } finally {
    await relay.close();
  }
}

describe('config/examples: one complete config per set-up of GitLab’s guide', () => {
  it('has the eight set-ups', () => {
    expect(EXAMPLES.sort()).toEqual([
      'exchange-catch-all.yml',
      'exchange-dedicated.yml',
      'gmail.yml',
      'microsoft-graph.yml',
      'office365-catch-all.yml',
      'office365-dedicated.yml',
      'office365-sub-addressing.yml',
      'postfix.yml',
    ]);
  });

  describe.skipIf(!dovecotBinary).each(EXAMPLES.filter((file) => isImap(examples.get(file) as PostroomConfig)))(
    '%s against Dovecot with TLS on',
    (file) => {
      it('passes postroom check: the mailbox as the poller reaches it, the relay, the tracker', async () => {
        const config = examples.get(file) as PostroomConfig;
        const { stdout, code, relay } = await checkExample(file);
        expect(stdout).not.toMatch(/^FAIL/m);
        expect(code).toBe(0);
        const transport = config.incomingEmail.ssl ? 'implicit TLS' : 'cleartext';
        const port = config.incomingEmail.ssl ? dovecot?.tlsPort : dovecot?.port;
        expect(stdout).toContain(
          `ok   incoming_email imap: logged in to 127.0.0.1:${port} over ${transport} as ${config.incomingEmail.user}; inbox holds 0 messages\n`,
        );
        expect(stdout).toContain(
          'ok   smtp front: off (smtp.enabled: false, mail_room mode); polling incoming_email\n',
        );
        const auth = config.outgoing.user ? `, AUTH as ${config.outgoing.user} accepted` : '';
        expect(stdout).toContain(`ok   outgoing relay: 127.0.0.1:${relay.port} answered EHLO; STARTTLS${auth}\n`);
        expect(relay.sessions).toEqual([
          { tls: true, ...(config.outgoing.user ? { user: config.outgoing.user } : {}) },
        ]);
        expect(relay.messages).toBe(0);
        expect(stdout).toMatch(/^ok {3}tracker: .*tracker\.db will be created at the first start$/m);
      });
    },
  );

  it.skipIf(!dovecotBinary)('postfix.yml with start_tls: true upgrades the IMAP connection', async () => {
    const { stdout, code } = await checkExample('postfix.yml', { POSTROOM__INCOMING_EMAIL__START_TLS: 'true' });
    expect(code).toBe(0);
    expect(stdout).toContain(
      `ok   incoming_email imap: logged in to 127.0.0.1:${dovecot?.port} over STARTTLS as incoming;`,
    );
  });

  it('microsoft-graph.yml against the Graph stand-in: token, then the folder', async () => {
    graph.add(Buffer.from('Subject: waiting\r\n\r\nfor Postroom\r\n'));
    const { stdout, code } = await checkExample('microsoft-graph.yml');
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `ok   incoming_email graph: token from ${graph.url} for tenant ${graph.tenant}; incoming@example.onmicrosoft.com's inbox folder has 1 unread message(s)\n`,
    );
    expect(stdout).toContain("ok   incoming_email log_path: log/mailroom.log is mail_room's own log;");
    expect(graph.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      '/v1.0/users/incoming@example.onmicrosoft.com/mailFolders/inbox/messages',
    ]);
  });
});
