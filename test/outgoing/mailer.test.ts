import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRejectionNotice, createMailer, outgoingContext, type Mailer } from '../../src/outgoing/index.js';
import { closedPort, startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { selfSignedPair } from '../helpers/certificate.js';
import { tempDir } from '../helpers/postroom.js';
import { outgoingConfig, silentLogger } from './world.js';

function notice(port: number) {
  const context = outgoingContext(outgoingConfig(port));
  const original = {
    from: ['alice@example.net'],
    to: [],
    subject: 'Hello',
    messageId: '<m-1@example.net>',
    headers: [],
  };
  return buildRejectionNotice(context, original, { text: 'Because.', canRetry: false }, ['alice@example.net']);
}

describe('the mailer', () => {
  let relay: CaptureRelay | undefined;
  let mailer: Mailer | undefined;
  afterEach(async () => {
    mailer?.close();
    await relay?.close();
    relay = undefined;
    mailer = undefined;
  });

  it('reports the relay’s answer and the message id', async () => {
    relay = await startCaptureRelay();
    mailer = createMailer(outgoingConfig(relay.port).outgoing, silentLogger);
    const message = notice(relay.port);
    const outcome = await mailer.send(message);
    expect(outcome).toEqual({
      status: 'sent',
      messageId: message.messageId,
      response: expect.stringMatching(/^250 .*queued as 1/),
      rejected: [],
    });
    const [mail] = await relay.waitForMessages(1);
    expect(mail.header('Message-ID')).toBe(message.messageId);
  });

  it('answers `failed` transient, without throwing, when the relay is down', async () => {
    const port = await closedPort();
    mailer = createMailer(outgoingConfig(port).outgoing, silentLogger);
    const message = notice(port);
    expect(await mailer.send(message)).toEqual({
      status: 'failed',
      messageId: message.messageId,
      transient: true,
      reason: expect.stringMatching(/^ESOCKET: .*ECONNREFUSED/),
    });
  });

  it('tells a temporary refusal (4xx) from a permanent one (5xx)', async () => {
    relay = await startCaptureRelay({
      answer: (envelope) =>
        envelope.to[0].startsWith('later')
          ? { code: 451, message: 'Try again later' }
          : { code: 550, message: 'No such user' },
    });
    mailer = createMailer(outgoingConfig(relay.port).outgoing, silentLogger);
    const message = notice(relay.port);
    expect(await mailer.send({ ...message, to: [{ address: 'later@example.net' }] })).toMatchObject({
      status: 'failed',
      transient: true,
      reason: expect.stringContaining('451'),
    });
    expect(await mailer.send(message)).toMatchObject({
      status: 'failed',
      transient: false,
      reason: expect.stringContaining('550'),
    });
  });

  it('logs in to a relay that asks for credentials, and fails for good with wrong ones', async () => {
    relay = await startCaptureRelay({ auth: { user: 'postroom', pass: 'right' } });
    mailer = createMailer(outgoingConfig(relay.port, '  user: postroom\n  password: right').outgoing, silentLogger);
    expect((await mailer.send(notice(relay.port))).status).toBe('sent');
    mailer.close();
    mailer = createMailer(outgoingConfig(relay.port, '  user: postroom\n  password: wrong').outgoing, silentLogger);
    expect(await mailer.send(notice(relay.port))).toMatchObject({
      status: 'failed',
      transient: false,
      reason: expect.stringContaining('535'),
    });
  });

  it('sends nothing when outgoing mail is disabled, and says why', async () => {
    relay = await startCaptureRelay();
    mailer = createMailer(outgoingConfig(relay.port, '  enabled: false').outgoing, silentLogger);
    const message = notice(relay.port);
    expect(await mailer.send(message)).toEqual({
      status: 'skipped',
      messageId: message.messageId,
      reason: 'outgoing mail is disabled (outgoing.enabled: false)',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(relay.messages).toHaveLength(0);
  });
});

describe('the mailer over TLS, on its own no-delay socket', () => {
  let relay: CaptureRelay | undefined;
  let mailer: Mailer | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    mailer?.close();
    await relay?.close();
    cleanup?.();
    relay = mailer = cleanup = undefined;
  });

  async function tlsRelay(): Promise<CaptureRelay> {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const pair = selfSignedPair(temp.dir);
    return startCaptureRelay({ tls: { key: readFileSync(pair.key), cert: readFileSync(pair.cert) } });
  }
  const withStartTls = (port: number, mode: string) => {
    const config = outgoingConfig(port);
    return { ...config.outgoing, startTls: mode as typeof config.outgoing.startTls };
  };

  it('upgrades with STARTTLS when the relay offers it (opportunistic) and the mail goes through', async () => {
    relay = await tlsRelay();
    mailer = createMailer(withStartTls(relay.port, 'opportunistic'), silentLogger);
    expect(await mailer.send(notice(relay.port))).toMatchObject({ status: 'sent' });
    await relay.waitForMessages(1);
    expect(relay.sessions.map((session) => session.tls)).toContain(true);
  });

  it('checks the certificate when TLS is required, so a self-signed relay is refused, not spoken to in clear', async () => {
    relay = await tlsRelay();
    mailer = createMailer(withStartTls(relay.port, 'require'), silentLogger);
    const outcome = await mailer.send(notice(relay.port));
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/self[- ]signed|certificate/i) });
    expect(relay.messages).toEqual([]);
  });
});
