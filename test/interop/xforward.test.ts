import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';
import { postfixUnavailable, startPrivatePostfix, swaks, type PrivatePostfix } from '../helpers/postfix.js';
import type { TestPostroom } from '../helpers/postroom.js';
import { startAuthPostroom } from '../helpers/senderAuth.js';
import { waitFor } from '../helpers/waitFor.js';

const unavailable = postfixUnavailable() ?? (dnsmasqAvailable ? undefined : 'dnsmasq is not installed');
// The client talks to Postfix from 127.0.0.2; only that address may send for its domain.
const CLIENT = '127.0.0.2';
const RECORDS = { 'client.example.test': `v=spf1 ip4:${CLIENT} -all` };

describe.skipIf(unavailable)(
  `Postfix with XFORWARD in front of Postroom${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let dns: TestDns;
    let postroom: TestPostroom;
    let postfix: PrivatePostfix;

    beforeAll(async () => {
      dns = await startDns(RECORDS);
      postroom = await startAuthPostroom(dns.server, 'worker: { enabled: false }', '  trusted_relays: [127.0.0.1]');
      postfix = await startPrivatePostfix({ relayPort: postroom.port, mainCf: { smtp_send_xforward_command: 'yes' } });
    });
    afterAll(async () => {
      await postfix?.cleanup();
      await postroom?.cleanup();
      await dns?.stop();
    });

    it('the trace of a relayed message shows the original client, and SPF is checked for it', async () => {
      const messageId = `<xforward-${process.pid}@client.example.test>`;
      const sent = await swaks({
        port: postfix.port,
        from: 'jake@client.example.test',
        to: 'incoming+59d8df8370b7e95c5a49fbf86aeb2c93@postroom.test',
        messageId,
        localAddress: CLIENT,
      });
      expect(sent.code, sent.transcript).toBe(0);
      await waitFor(() => postroom.spool.findByMessageId(messageId).length > 0, 15_000, 'the relayed message stored');
      const [entry] = postroom.spool.findByMessageId(messageId);
      expect(entry.clientAddress).toBe(CLIENT);
      expect(entry.helo).toBe('client.example.net');
      expect(entry.auth).toMatchObject({
        spf: { result: 'pass', domain: 'client.example.test' },
        client: { ip: CLIENT, helo: 'client.example.net', mailFrom: 'jake@client.example.test' },
      });
      expect(postroom.spool.raw(entry.id)!.toString()).toMatch(
        /^Authentication-Results: postroom\.test;\r\n\tspf=pass smtp\.mailfrom=jake@client\.example\.test smtp\.helo=client\.example\.net;/,
      );
    });
  },
);
