import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';
import type { TestPostroom } from '../helpers/postroom.js';
import { startAuthPostroom } from '../helpers/senderAuth.js';
import { greet, type SmtpTalk } from '../helpers/smtpTalk.js';

const RCPT = 'incoming+0123456789abcdef0123456789abcdef@postroom.test';
// The original client's domain allows exactly the original client, never the relay.
const RECORDS = {
  'origin.test': 'v=spf1 ip4:203.0.113.9 -all',
  'strict.test': 'v=spf1 ip4:192.0.2.1 -all',
  '_dmarc.strict.test': 'v=DMARC1; p=reject',
};

async function deliver(talk: SmtpTalk, from = 'a@origin.test'): Promise<number> {
  expect((await talk.command(`MAIL FROM:<${from}>`)).code).toBe(250);
  expect((await talk.command(`RCPT TO:<${RCPT}>`)).code).toBe(250);
  expect((await talk.command('DATA')).code).toBe(354);
  const done = await talk.command(`From: ${from}\r\nSubject: relayed\r\n\r\nhi\r\n.`);
  expect(done.code).toBe(250);
  return Number(/queued as (\d+)/.exec(done.text)![1]);
}

describe.skipIf(!dnsmasqAvailable)('XCLIENT and XFORWARD from smtp.trusted_relays only', () => {
  let dns: TestDns;
  let trusting: TestPostroom;
  let distrusting: TestPostroom;

  beforeAll(async () => {
    dns = await startDns(RECORDS);
    trusting = await startAuthPostroom(dns.server, 'worker: { enabled: false }', '  trusted_relays: [127.0.0.0/8]');
    distrusting = await startAuthPostroom(dns.server, 'worker: { enabled: false }', '  trusted_relays: [10.0.0.0/8]');
  });
  afterAll(async () => {
    await trusting?.cleanup();
    await distrusting?.cleanup();
    await dns?.stop();
  });

  it('a trusted relay’s XFORWARD makes the original client the one authenticated, stored and traced', async () => {
    const { talk, ehlo } = await greet(trusting.port, 'relay.test');
    expect(ehlo.text).toContain('XFORWARD');
    expect((await talk.command('XFORWARD ADDR=203.0.113.9 HELO=mail.origin.test NAME=[UNAVAILABLE]')).code).toBe(250);
    const id = await deliver(talk);
    talk.close();
    const entry = trusting.spool.get(id)!;
    expect(entry.clientAddress).toBe('203.0.113.9');
    expect(entry.helo).toBe('mail.origin.test');
    expect(entry.auth).toMatchObject({ spf: { result: 'pass' }, client: { ip: '203.0.113.9' } });
    expect(trusting.spool.raw(id)!.toString()).toMatch(/\r\nReceived: from mail\.origin\.test \(\[203\.0\.113\.9\]\)/);
  });

  it('a DMARC reject behind a relay is kept and marked, not refused: the 550 would become a bounce', async () => {
    const { talk } = await greet(trusting.port, 'relay.test');
    expect((await talk.command('XFORWARD ADDR=203.0.113.9 HELO=mail.origin.test')).code).toBe(250);
    const id = await deliver(talk, 'ceo@strict.test');
    talk.close();
    expect(trusting.spool.get(id)!.auth?.dmarc).toMatchObject({ result: 'fail', policy: 'reject' });
  });

  it('XCLIENT works the same way for a trusted relay', async () => {
    const { talk } = await greet(trusting.port, 'relay.test');
    expect((await talk.command('XCLIENT ADDR=203.0.113.9 HELO=mail.origin.test')).code).toBe(220);
    await talk.command('EHLO mail.origin.test');
    const id = await deliver(talk);
    talk.close();
    expect(trusting.spool.get(id)!.auth?.spf.result).toBe('pass');
  });

  it('any other peer is not offered the commands, is refused them, and is authenticated as itself', async () => {
    const { talk, ehlo } = await greet(distrusting.port, 'relay.test');
    expect(ehlo.text).not.toMatch(/XFORWARD|XCLIENT/);
    expect((await talk.command('XFORWARD ADDR=203.0.113.9')).code).toBe(550);
    expect((await talk.command('XCLIENT ADDR=203.0.113.9')).code).toBe(550);
    const id = await deliver(talk);
    talk.close();
    const entry = distrusting.spool.get(id)!;
    expect(entry.clientAddress).toBe('127.0.0.1');
    expect(entry.auth).toMatchObject({ spf: { result: 'fail' }, client: { ip: '127.0.0.1' } });
  });
});
