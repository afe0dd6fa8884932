import path from 'node:path';
import nodemailer from 'nodemailer';
import { dkimSignature } from '../../bench/lib/dkimSignature.js';
import { startTestPostroom, type TestPostroom } from './postroom.js';
import type { dkimKey } from './dns.js';

/** A Postroom with sender authentication on, asking `dnsServer` (and `extra` config lines). */
export function startAuthPostroom(dnsServer: string, extra = '', smtpExtra = ''): Promise<TestPostroom> {
  return startTestPostroom('', (dir) => authConfigText(dir, dnsServer, extra, smtpExtra));
}

export function authConfigText(dir: string, dnsServer: string, extra = '', smtpExtra = ''): string {
  return `
host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
service_desk_email: { enabled: true, address: "contact+%{key}@postroom.test" }
smtp:
  listen: 127.0.0.1:0
  hostname: postroom.test
  verify_keys: false
${smtpExtra}
sender_auth:
  enabled: true
  dns_servers: ["${dnsServer}"]
  dns_timeout: 300ms
  deadline: 5s
store: { path: ${path.join(dir, 'spool.db')} }
tracker: { path: ${path.join(dir, 'tracker.db')} }
log: { level: silent }
${extra}
`;
}

/** `raw` with a DKIM-Signature of `domain` on top, made by mailauth's signer. */
export async function signed(raw: string, domain: string, key: ReturnType<typeof dkimKey>): Promise<string> {
  const message = raw.replace(/\r?\n/g, '\r\n');
  return (
    (await dkimSignature(message, { signingDomain: domain, selector: 's1', privateKey: key.privateKey })) + message
  );
}

export type SendResult = { accepted: true; id: number } | { accepted: false; code: number; response: string };

/** One message over SMTP from 127.0.0.1, saying EHLO `helo`; answers the spool id or the refusal. */
export async function sendRaw(
  port: number,
  raw: string,
  envelope: { from: string; to: string },
  helo = 'mail.client.test',
): Promise<SendResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, name: helo });
  try {
    const info = await transport.sendMail({
      envelope: { from: envelope.from, to: [envelope.to] },
      raw: raw.replace(/\r?\n/g, '\r\n'),
    });
    return { accepted: true, id: Number(/queued as (\d+)/.exec(info.response)?.[1]) };
  } catch (error) {
    const { responseCode, response } = error as { responseCode: number; response: string };
    return { accepted: false, code: responseCode, response };
  } finally {
    transport.close();
  }
}
