import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimKey, dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';
import type { TestPostroom } from '../helpers/postroom.js';
import { sendRaw, signed, startAuthPostroom } from '../helpers/senderAuth.js';

const RCPT = 'incoming+0123456789abcdef0123456789abcdef@postroom.test';
const key = dkimKey();

const RECORDS = {
  'signed.test': 'v=spf1 ip4:192.0.2.1 -all',
  's1._domainkey.signed.test': key.record,
  '_dmarc.signed.test': 'v=DMARC1; p=reject',
  'strict.test': 'v=spf1 ip4:192.0.2.1 -all',
  '_dmarc.strict.test': 'v=DMARC1; p=reject',
  'soft.test': 'v=spf1 ip4:192.0.2.1 ~all',
};

/** A message of about `bytes` (CRLF lines), with `extraHeaders` on top. */
const message = (from: string, bytes: number, extraHeaders = '') => {
  const line = `${'spilled words '.repeat(5).trim()}\r\n`;
  const id = Math.random().toString(36).slice(2);
  return `${extraHeaders}From: ${from}\r\nTo: ${RCPT}\r\nSubject: large\r\nMessage-ID: <${id}@client.test>\r\n\r\n${line.repeat(Math.ceil(bytes / line.length))}`;
};

/**
 * Two ways a message reaches a spill file instead of memory: past `smtp.spill_threshold` (256 KiB
 * by default), or under it once the shared memory budget is full (here a budget smaller than the message).
 */
const CASES = [
  { spilled: 'past the spill threshold', bytes: 300 * 1024, smtp: '' },
  { spilled: 'because the memory budget was full', bytes: 40 * 1024, smtp: '  memory_budget: 16KB' },
];

describe.skipIf(!dnsmasqAvailable).each(CASES)('sender authentication of a message spilled $spilled', (c) => {
  let dns: TestDns;
  let postroom: TestPostroom;
  const incoming = () => readdirSync(`${postroom.config.store.path}-incoming`);
  const stored = (id: number) => postroom.spool.raw(id)!.toString('latin1');
  /** What the sender's bytes became: the stored message without our own fields on top. */
  const theirs = (id: number) => stored(id).slice(postroom.spool.message(id)!.ownHeaderBytes);

  beforeAll(async () => {
    dns = await startDns(RECORDS);
    postroom = await startAuthPostroom(dns.server, 'worker: { enabled: false }', c.smtp);
  });
  afterAll(async () => {
    await postroom?.cleanup();
    await dns?.stop();
  });

  it('a DKIM-signed message passes, verified from the spill file', async () => {
    // SPF fails for this client: only the signature, read from disk, can make DMARC pass.
    const raw = await signed(message('bob@signed.test', c.bytes), 'signed.test', key);
    const sent = await sendRaw(postroom.port, raw, { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    // The spool's incoming directory exists only once a message went to disk.
    expect(incoming()).toEqual([]);
    expect(postroom.spool.get(sent.id)!.auth).toMatchObject({
      spf: { result: 'fail' },
      dkim: [{ result: 'pass', domain: 'signed.test', aligned: true }],
      dmarc: { result: 'pass' },
    });
    expect(stored(sent.id)).toMatch(/^Authentication-Results: postroom\.test;\r\n\tspf=fail[^\r]*;\r\n\tdkim=pass /);
    expect(theirs(sent.id)).toBe(raw);
  });

  it('a forged From of a p=reject domain is refused with 550 5.7.1, nothing stored and the file removed', async () => {
    const before = postroom.spool.countByState().queued ?? 0;
    const raw = message('ceo@strict.test', c.bytes);
    const sent = await sendRaw(postroom.port, raw, { from: 'ceo@strict.test', to: RCPT });
    expect(sent).toMatchObject({ accepted: false, code: 550 });
    expect(!sent.accepted && sent.response).toContain('5.7.1');
    expect(postroom.spool.countByState().queued ?? 0).toBe(before);
    expect(incoming()).toEqual([]);
  });

  it('a spoofed Authentication-Results with our authserv-id is removed; every other byte is stored as sent', async () => {
    const forged = 'Authentication-Results: postroom.test;\r\n\tdmarc=pass header.from=soft.test\r\n';
    const other = 'Authentication-Results: mx.other.example; spf=pass\r\n';
    const raw = message('a@soft.test', c.bytes, `X-Before: 1\r\n${forged}${other}`);
    const sent = await sendRaw(postroom.port, raw, { from: 'a@soft.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    expect(theirs(sent.id)).toBe(raw.replace(forged, ''));
    expect(stored(sent.id)).toMatch(/^Authentication-Results: postroom\.test;\r\n\tspf=softfail/);
    expect(postroom.spool.message(sent.id)!.size).toBe(Buffer.byteLength(stored(sent.id), 'latin1'));
  });

  it('a signed message with a spoofed Authentication-Results passes and loses only that field', async () => {
    const forged = 'Authentication-Results: postroom.test; dkim=pass header.d=signed.test\r\n';
    const raw = forged + (await signed(message('bob@signed.test', c.bytes), 'signed.test', key));
    const sent = await sendRaw(postroom.port, raw, { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    expect(postroom.spool.get(sent.id)!.auth!.dkim).toMatchObject([{ result: 'pass' }]);
    expect(theirs(sent.id)).toBe(raw.slice(forged.length));
  });

  it('past eight DKIM signatures the rest are not checked', async () => {
    const junk = Array.from(
      { length: 20 },
      (_, i) => `DKIM-Signature: v=1; a=rsa-sha256; d=junk${i}.test; s=s1; h=from; bh=AAAA; b=AAAA\r\n`,
    ).join('');
    const raw = await signed(message('bob@signed.test', c.bytes, junk), 'signed.test', key);
    const sent = await sendRaw(postroom.port, raw, { from: 'bob@signed.test', to: RCPT });
    expect(sent.accepted).toBe(true);
    if (!sent.accepted) return;
    const { dkim } = postroom.spool.get(sent.id)!.auth!;
    expect(dkim).toHaveLength(8);
    expect(dkim[0]).toMatchObject({ result: 'pass', domain: 'signed.test' });
    expect(theirs(sent.id)).toBe(raw);
  });
});
