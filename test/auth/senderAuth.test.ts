import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, dnsmasqAvailable, startDns, startSilentDns, type TestDns } from '../helpers/dns.js';
import type { TestPostroom } from '../helpers/postroom.js';
import { authConfigText, sendRaw, signed, startAuthPostroom } from '../helpers/senderAuth.js';

const RCPT = 'incoming+0123456789abcdef0123456789abcdef@postroom.test';
const key = dkimKey();

/** The test domains, as their owners would publish them. */
const RECORDS = {
  // Signs its mail and sends from 127.0.0.1; asks for rejection of anything else.
  'signed.test': 'v=spf1 ip4:127.0.0.1 -all',
  's1._domainkey.signed.test': key.record,
  '_dmarc.signed.test': 'v=DMARC1; p=reject',
  // Sends only from elsewhere, and asks receivers to reject what fails.
  'strict.test': 'v=spf1 ip4:192.0.2.1 -all',
  '_dmarc.strict.test': 'v=DMARC1; p=reject',
  'quarantine.test': 'v=spf1 ip4:192.0.2.1 -all',
  '_dmarc.quarantine.test': 'v=DMARC1; p=quarantine',
  'soft.test': 'v=spf1 ip4:192.0.2.1 ~all',
  'failing.test': 'v=spf1 ip4:192.0.2.1 -all',
};

const message = (from: string, extraHeaders = '') =>
  `${extraHeaders}From: ${from}\nTo: ${RCPT}\nSubject: hello\nMessage-ID: <${Math.random().toString(36).slice(2)}@client.test>\n\nHello there.\n`;

describe.skipIf(!dnsmasqAvailable)('sender authentication at end of DATA (real DNS on loopback)', () => {
  let dns: TestDns;
  let postroom: TestPostroom;
  const stored = (id: number) => postroom.spool.raw(id)!.toString('latin1');

  beforeAll(async () => {
    dns = await startDns(RECORDS);
    postroom = await startAuthPostroom(dns.server, 'worker: { enabled: false }');
  });
  afterAll(async () => {
    await postroom?.cleanup();
    await dns?.stop();
  });

  it('a DKIM-signed message from a permitted address passes SPF, DKIM and DMARC, in the header and the trace', async () => {
    const raw = await signed(message('Bob <bob@signed.test>'), 'signed.test', key);
    const sent = await sendRaw(postroom.port, raw, { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    const entry = postroom.spool.get(sent.id)!;
    expect(entry.auth).toMatchObject({
      spf: { result: 'pass', domain: 'signed.test' },
      dkim: [{ result: 'pass', domain: 'signed.test', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject' },
      fromDomain: 'signed.test',
      client: { ip: '127.0.0.1', helo: 'mail.client.test', mailFrom: 'bob@signed.test' },
    });
    // Ours comes first, above our Received line.
    expect(stored(sent.id)).toMatch(
      /^Authentication-Results: postroom\.test;\r\n\tspf=pass smtp\.mailfrom=bob@signed\.test smtp\.helo=mail\.client\.test;\r\n\tdkim=pass header\.d=signed\.test header\.s=s1;\r\n\tdmarc=pass \(p=reject\) header\.from=signed\.test;\r\n\tarc=none\r\nReceived: /,
    );
    const configFile = path.join(postroom.dir, 'postroom.yml');
    writeFileSync(configFile, authConfigText(postroom.dir, dns.server));
    const { stdout } = await promisify(execFile)(process.execPath, [
      'dist/src/cli/main.js',
      'trace',
      String(sent.id),
      '--config',
      configFile,
    ]);
    expect(stdout).toContain('\n  auth      spf=pass dkim=pass dmarc=pass arc=none\n');
  });

  it('a forged From of a p=reject domain is refused with 550 5.7.1 at DATA and never stored', async () => {
    const before = postroom.spool.countByState().queued ?? 0;
    const sent = await sendRaw(postroom.port, message('ceo@strict.test'), { from: 'ceo@strict.test', to: RCPT });
    expect(sent).toMatchObject({ accepted: false, code: 550 });
    expect(!sent.accepted && sent.response).toContain('5.7.1');
    expect(postroom.spool.countByState().queued ?? 0).toBe(before);
  });

  it('a DMARC failure under p=quarantine is accepted and marked', async () => {
    const sent = await sendRaw(postroom.port, message('x@quarantine.test'), { from: 'x@quarantine.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    expect(postroom.spool.get(sent.id)!.auth).toMatchObject({ spf: { result: 'fail' }, dmarc: { result: 'fail' } });
    expect(stored(sent.id)).toContain('dmarc=fail (p=quarantine) header.from=quarantine.test');
  });

  it('SPF fail, softfail and none are recorded as such and the message is kept', async () => {
    for (const [domain, result] of [
      ['failing.test', 'fail'],
      ['soft.test', 'softfail'],
      ['nothing.test', 'none'],
    ]) {
      const sent = await sendRaw(postroom.port, message(`a@${domain}`), { from: `a@${domain}`, to: RCPT });
      expect(sent.accepted).toBe(true);
      if (!sent.accepted) return;
      expect(postroom.spool.get(sent.id)!.auth).toMatchObject({ spf: { result, domain }, dmarc: { result: 'none' } });
      expect(stored(sent.id)).toContain(`spf=${result} smtp.mailfrom=a@${domain}`);
    }
  });

  it('past eight DKIM signatures the rest are not checked: a sender cannot buy unbounded work', async () => {
    const junk = Array.from(
      { length: 30 },
      (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; d=junk${i}.test; s=s1; h=from; bh=AAAA; b=AAAA\n`,
    ).join('');
    const raw = await signed(message('bob@signed.test', junk), 'signed.test', key);
    const sent = await sendRaw(postroom.port, raw, { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    const { dkim } = postroom.spool.get(sent.id)!.auth!;
    expect(dkim).toHaveLength(8);
    expect(dkim[0]).toMatchObject({ result: 'pass', domain: 'signed.test' });
  });

  it('a tampered signed message fails DKIM, and DMARC with it', async () => {
    const raw = (await signed(message('bob@signed.test'), 'signed.test', key)).replace('Hello there.', 'Pay me.');
    // From elsewhere than SPF allows: only DKIM could have saved it, and it breaks.
    const sent = await sendRaw(postroom.port, raw, { from: 'bounce@failing.test', to: RCPT });
    expect(sent).toMatchObject({ accepted: false, code: 550 });
  });

  it('an Authentication-Results that claims our authserv-id is removed; one of another server stays', async () => {
    const forged =
      'Authentication-Results: postroom.test;\n\tdkim=pass header.d=signed.test;\n\tdmarc=pass header.from=signed.test\n' +
      'Authentication-Results: (comment) POSTROOM.TEST 1; spf=pass\n' +
      'Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=a@soft.test\n';
    const sent = await sendRaw(postroom.port, message('a@soft.test', forged), { from: 'a@soft.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    const head = stored(sent.id).split('\r\n\r\n')[0];
    const fields = head.split(/\r\n(?![ \t])/).filter((f) => /^authentication-results:/i.test(f));
    expect(fields).toHaveLength(2);
    expect(fields[0]).toMatch(/^Authentication-Results: postroom\.test;\r\n\tspf=softfail/);
    expect(fields[1]).toBe('Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=a@soft.test');
  });
});

describe.skipIf(!dnsmasqAvailable)('sender authentication when DNS is down', () => {
  let dns: TestDns;
  let postroom: TestPostroom;

  beforeAll(async () => {
    dns = await startSilentDns();
    postroom = await startAuthPostroom(dns.server, 'worker: { enabled: false }');
  });
  afterAll(async () => {
    await postroom?.cleanup();
    await dns?.stop();
  });

  it('answers 250 with temperror recorded: a DNS failure never loses the message', async () => {
    const sent = await sendRaw(postroom.port, message('bob@signed.test'), { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    const entry = postroom.spool.get(sent.id)!;
    expect(entry.state).toBe('queued');
    expect(entry.auth).toMatchObject({ spf: { result: 'temperror' }, dmarc: { result: 'temperror' } });
    expect(postroom.spool.raw(sent.id)!.toString()).toMatch(
      /^Authentication-Results: postroom\.test;\r\n\tspf=temperror/,
    );
  });
});
