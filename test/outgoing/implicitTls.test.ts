import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedPair } from '../helpers/certificate.js';
import { tempDir } from '../helpers/postroom.js';

const DIST = (file: string) => pathToFileURL(`dist/src/${file}`).href;

// A child process that trusts the relay's certificate (NODE_EXTRA_CA_CERTS): `secure: true`
// checks it for real, and the mailer's own no-delay socket must carry TLS from the first byte.
const SEND = `
import { parseConfigText } from '${DIST('config/index.js')}';
import { buildRejectionNotice, createMailer, outgoingContext } from '${DIST('outgoing/index.js')}';
import { pino } from 'pino';
const config = parseConfigText(process.env.CONFIG, 'test.yml', {});
const original = { from: ['alice@example.net'], to: [], subject: 'Hello', messageId: '<m-1@example.net>', headers: [] };
const notice = buildRejectionNotice(outgoingContext(config), original, { text: 'Because.', canRetry: false }, ['alice@example.net']);
const mailer = createMailer(config.outgoing, pino({ level: 'silent' }));
const outcome = await mailer.send(notice);
mailer.close();
console.log(JSON.stringify(outcome));
`;

describe('outgoing mail with secure: true (TLS from the first byte)', () => {
  let cleanup: (() => void) | undefined;
  let relay: SMTPServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    cleanup?.();
    relay = cleanup = undefined;
  });

  it('speaks TLS on its no-delay socket to a relay whose certificate it trusts', async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const pair = selfSignedPair(temp.dir);
    const received: { secure: boolean; bytes: number }[] = [];
    relay = new SMTPServer({
      secure: true,
      key: readFileSync(pair.key),
      cert: readFileSync(pair.cert),
      disabledCommands: ['AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
        stream.on('end', () => {
          received.push({ secure: session.secure, bytes });
          callback(null, 'Ok: queued');
        });
      },
    });
    const port = await new Promise<number>((resolve) =>
      relay!.listen(0, '127.0.0.1', () => resolve((relay!.server.address() as AddressInfo).port)),
    );
    const config = `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
outgoing: { host: 127.0.0.1, port: ${port}, secure: true, base_url: "https://postroom.test" }
`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SEND], {
      env: { ...process.env, CONFIG: config, NODE_EXTRA_CA_CERTS: pair.cert },
    });
    expect(JSON.parse(stdout)).toMatchObject({ status: 'sent', response: expect.stringMatching(/^250 /) });
    expect(received).toHaveLength(1);
    expect(received[0].secure).toBe(true);
    expect(received[0].bytes).toBeGreaterThan(0);
  });
});
