import { describe, expect, it } from 'vitest';
import { resultSummary, senderIdentity } from '../../src/auth/index.js';
import { upstreamResults } from '../../src/auth/upstream.js';
import { checkUpstreamAuth } from '../../src/check/upstreamAuth.js';
import { parseConfigText } from '../../src/config/index.js';
import { readHeaderFields } from '../../src/message/headers.js';

// Header blocks in the shapes Gmail, Microsoft 365, Postfix with OpenDKIM/OpenDMARC and rspamd write.
const gmail = [
  'Delivered-To: incoming@example.com',
  'Received: by 2002:a05:6a10:9e8e:b0:5d1:2f4b:2b1 with SMTP id x14csp1234567pxu; Tue, 1 Dec 2026 08:00:02 -0800 (PST)',
  'ARC-Authentication-Results: i=1; mx.google.com;',
  '       dkim=pass header.i=@example.net header.s=s1 header.b=Qb1xJ2kL;',
  '       spf=pass (google.com: domain of bob@example.net designates 192.0.2.10 as permitted sender) smtp.mailfrom=bob@example.net;',
  '       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.net',
  'Return-Path: <bob@example.net>',
  'Received: from mail.example.net (mail.example.net. [192.0.2.10]) by mx.google.com; Tue, 1 Dec 2026 08:00:01 -0800 (PST)',
  'Received-SPF: pass (google.com: domain of bob@example.net designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10;',
  'Authentication-Results: mx.google.com;',
  '       dkim=pass header.i=@example.net header.s=s1 header.b=Qb1xJ2kL;',
  '       spf=pass (google.com: domain of bob@example.net designates 192.0.2.10 as permitted sender) smtp.mailfrom=bob@example.net;',
  '       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.net',
  'From: Bob <bob@example.net>',
  'Subject: hi',
];
const microsoft = [
  'Received: from AM0PR02MB1234.eurprd02.prod.outlook.com by AM0PR02MB5678.eurprd02.prod.outlook.com; Tue, 1 Dec 2026 16:00:02 +0000',
  'Authentication-Results: spf=fail (sender IP is 203.0.113.9)',
  ' smtp.mailfrom=example.net; dkim=none (message not signed)',
  ' header.d=none;dmarc=fail action=oreject',
  ' header.from=example.net;compauth=fail reason=000',
  'Received-SPF: Fail (protection.outlook.com: domain of example.net does not designate 203.0.113.9 as permitted sender)',
  'From: bob@example.net',
];
const openDmarc = [
  'Return-Path: <bob@example.net>',
  'Delivered-To: incoming@example.com',
  'Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.example.com (Postfix) with ESMTPS id 4Lq2; Tue,  1 Dec 2026 16:00:01 +0000 (UTC)',
  'Authentication-Results: mx.example.com; dmarc=none (p=none dis=none) header.from=example.net',
  'Authentication-Results: mx.example.com;',
  '\tdkim=pass (2048-bit key; unprotected) header.d=mail.example.net header.i=@mail.example.net header.b="kT2x9/Qp";',
  '\tdkim-atps=neutral',
  'From: bob@example.net',
];
const rspamd = [
  'Authentication-Results: mx.example.com;',
  '\tdkim=pass header.d=example.net header.s=dkim header.b=abc;',
  '\tdmarc=pass (policy=quarantine) header.from=example.net;',
  '\tspf=softfail (mx.example.com: 203.0.113.9 is neither permitted nor denied by domain of bob@example.net) smtp.mailfrom=bob@example.net;',
  '\tarc=none',
  'From: "Bob (ops)" <bob@example.net>',
];

const fields = (lines: string[]) => readHeaderFields(Buffer.from(`${lines.join('\r\n')}\r\n\r\nbody\r\n`));
const policy = { identity: 'author', require: 'not_failed' } as const;
const bob = { from: ['bob@example.net'], replyTo: [], sender: [] };

describe("a mailbox provider's Authentication-Results", () => {
  it("reads Gmail's field, not the ARC copy above it", () => {
    const found = upstreamResults(fields(gmail), ['mx.google.com'], 'bob@example.net');
    expect(found).toEqual({
      spf: { result: 'pass', domain: 'example.net' },
      dkim: [{ result: 'pass', domain: 'example.net', selector: 's1', aligned: true }],
      dmarc: { result: 'pass', domain: 'example.net' },
      arc: { result: 'none' },
      fromDomain: 'example.net',
      client: { mailFrom: 'bob@example.net' },
      upstream: 'mx.google.com',
    });
    expect(resultSummary(found!)).toBe('spf=pass dkim=pass dmarc=pass arc=none (as mx.google.com found)');
  });

  it("reads Microsoft 365's field, which has no authserv-id, only under exchange-online", () => {
    expect(upstreamResults(fields(microsoft), ['mx.example.com'], '')).toBeUndefined();
    const found = upstreamResults(fields(microsoft), ['exchange-online'], '');
    expect(found).toMatchObject({
      spf: { result: 'fail', domain: 'example.net' },
      dkim: [{ result: 'none', domain: undefined, aligned: false }],
      dmarc: { result: 'fail', domain: 'example.net' },
      fromDomain: 'example.net',
      upstream: 'exchange-online',
    });
    expect(senderIdentity(bob, found, policy)).toEqual({
      accepted: false,
      address: 'bob@example.net',
      reason: 'dmarc=fail for example.net, according to exchange-online',
    });
  });

  it("takes only the topmost of OpenDMARC's and OpenDKIM's fields", () => {
    const found = upstreamResults(fields(openDmarc), ['MX.example.com'], 'bob@example.net');
    expect(found).toMatchObject({
      dkim: [],
      dmarc: { result: 'none', domain: 'example.net' },
      fromDomain: 'example.net',
    });
    expect(senderIdentity(bob, found, policy)).toMatchObject({ accepted: true });
  });

  it("reads rspamd's field; an aligned DKIM pass makes the sender aligned", () => {
    const found = upstreamResults(fields(rspamd), ['mx.example.com'], 'bob@example.net');
    expect(found).toMatchObject({
      spf: { result: 'softfail', domain: 'example.net' },
      dkim: [{ result: 'pass', domain: 'example.net', selector: 'dkim', aligned: true }],
      dmarc: { result: 'pass' },
      arc: { result: 'none' },
    });
    expect(senderIdentity(bob, found, { identity: 'author', require: 'aligned' })).toMatchObject({
      accepted: true,
      standing: { standing: 'aligned', reason: 'dmarc=pass for example.net, according to mx.example.com' },
    });
  });

  it('knows nothing without a trusted id, or with only untrusted fields', () => {
    expect(upstreamResults(fields(gmail), [], 'bob@example.net')).toBeUndefined();
    expect(upstreamResults(fields(gmail), ['mx.example.com'], 'bob@example.net')).toBeUndefined();
  });

  it("ignores a sender's forged field with the trusted id below the provider's own", () => {
    const forged = [
      ...rspamd.slice(0, -1).map((line) => line.replace('dmarc=pass', 'dmarc=fail')),
      'Authentication-Results: mx.example.com; dmarc=pass header.from=example.net',
      'From: bob@example.net',
    ];
    expect(upstreamResults(fields(forged), ['mx.example.com'], '')).toMatchObject({ dmarc: { result: 'fail' } });
  });

  it('takes the From domain from the message when the field names none, and odd words as none', () => {
    const lines = [
      'Authentication-Results: mx.example.com; spf=bestguesspass smtp.mailfrom=example.net',
      'From: bob@example.net',
    ];
    expect(upstreamResults(fields(lines), ['mx.example.com'], '')).toMatchObject({
      spf: { result: 'none', domain: 'example.net' },
      dmarc: { result: 'none' },
      fromDomain: 'example.net',
    });
  });
});

describe('sender_auth.trusted_authserv_ids', () => {
  const parse = (section: string) =>
    parseConfigText(
      `incoming_email: { enabled: true, address: 'in+%{key}@example.com' }\nsender_auth:\n${section}`,
      'test.yml',
      {},
    );

  it('defaults to none, and is read lowercased', () => {
    expect(parse('  enabled: false\n').senderAuth.trustedAuthservIds).toEqual([]);
    expect(parse('  trusted_authserv_ids: [MX.Example.com, exchange-online]\n').senderAuth.trustedAuthservIds).toEqual([
      'mx.example.com',
      'exchange-online',
    ]);
  });

  it('lets require: aligned stand without our own checks once a provider is trusted', () => {
    expect(() => parse('  require: aligned\n')).toThrow(/aligned needs enabled: true or trusted_authserv_ids/);
    expect(parse('  require: aligned\n  trusted_authserv_ids: [mx.example.com]\n').senderAuth.require).toBe('aligned');
  });
});

describe('postroom check on polled mail', () => {
  const polled = (senderAuth: string) =>
    parseConfigText(
      `incoming_email: { enabled: true, address: 'in+%{key}@example.com', user: in@example.com, password: x, host: imap.example.com }\nsmtp: { enabled: false }\nsender_auth: { ${senderAuth} }`,
      'test.yml',
      {},
    );

  it('says whose results polled mail carries, or that it carries none', () => {
    expect(checkUpstreamAuth(polled('trusted_authserv_ids: [mx.example.com]'))).toEqual([
      { status: 'ok', name: 'polled sender auth', detail: expect.stringContaining('mx.example.com') },
    ]);
    expect(checkUpstreamAuth(polled('enabled: false'))).toMatchObject([
      { status: 'warn', detail: expect.stringContaining('a forged From is not refused') },
    ]);
    expect(checkUpstreamAuth(polled('require: off'))).toEqual([]);
  });
});
