import { dkimVerify, dmarc, sealMessage } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSignature } from '../../bench/lib/dkimSignature.js';
import { authenticateMessage, checkSpf, dkimVerifyParts, rememberedDmarc } from '../../src/auth/authenticate.js';
import { splitMessage } from '../../src/auth/messageParts.js';
import { cachedResolver, type DnsLookup } from '../../src/auth/resolver.js';
import { dkimKey, dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';

const key = dkimKey();
const other = dkimKey();
const RECORDS = {
  'signed.test': 'v=spf1 ip4:127.0.0.1 -all',
  's1._domainkey.signed.test': key.record,
  '_dmarc.signed.test': 'v=DMARC1; p=reject',
  's1._domainkey.forwarder.test': other.record,
};
const client = { ip: '127.0.0.1', helo: 'mail.client.test', mailFrom: 'bob@signed.test' };

const crlf = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
const mail = (body: string, extraHeaders = '') =>
  crlf(
    `From: Bob <bob@signed.test>\nTo: <incoming@postroom.test>\nSubject: a subject\n folded over two lines\n${extraHeaders}Message-ID: <parts@signed.test>\n\n${body}`,
  );

async function sign(
  message: Buffer,
  domain = 'signed.test',
  options: { canonicalization?: string; maxBodyLength?: number; privateKey?: string } = {},
): Promise<Buffer> {
  const signature = {
    signingDomain: domain,
    selector: 's1',
    privateKey: options.privateKey ?? key.privateKey,
    ...options,
  };
  return Buffer.concat([Buffer.from(await dkimSignature(message, signature), 'latin1'), message]);
}

describe.skipIf(!dnsmasqAvailable)('a message cut in two is checked as mailauth checks it whole', () => {
  let dns: TestDns;
  let resolver: DnsLookup;
  // Each case with the DKIM results (and ARC's) it is meant to show.
  const cases: [string, string, () => Promise<Buffer>][] = [];
  const add = (name: string, meant: string, make: () => Promise<Buffer>) => cases.push([name, meant, make]);

  add('relaxed/relaxed, passing', 'pass arc=none', () => sign(mail('Hello there.\n')));
  add('simple/simple, passing', 'pass arc=none', () =>
    sign(mail('Hello there.\n'), 'signed.test', { canonicalization: 'simple/simple' }),
  );
  add('spaces, tabs and trailing blank lines the relaxed body rules rewrite', 'pass arc=none', () =>
    sign(mail('a  b\t\tc   \n\tindented\n\n\n\n')),
  );
  add('an empty body', 'pass arc=none', () => sign(mail('')));
  add('a body past mailauth’s 64 KiB stream chunk', 'pass arc=none', () =>
    sign(mail('0123456789abcdef '.repeat(40).concat('\n').repeat(120))),
  );
  add('a multipart body (where its MIME structure starts)', 'pass arc=none', () =>
    sign(
      mail(
        'preamble\n--b1\nContent-Type: text/plain\n\npart one\n--b1--\n',
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n',
      ),
    ),
  );
  add('a body longer than its l= tag says', 'pass arc=none', async () => {
    const signedPart = await sign(mail('Signed part.\n'), 'signed.test', { maxBodyLength: 14 });
    return Buffer.concat([signedPart, crlf('Appended later.\n')]);
  });
  add('a tampered body (body hash fails)', 'neutral arc=none', async () =>
    Buffer.from((await sign(mail('Hello there.\n'))).toString('latin1').replace('Hello', 'Pay me'), 'latin1'),
  );
  add('a tampered header (signature fails)', 'fail arc=none', async () =>
    Buffer.from((await sign(mail('Hello there.\n'))).toString('latin1').replace('a subject', 'another'), 'latin1'),
  );
  add('two signatures: one passing, one whose key is not published', 'neutral,pass arc=none', async () =>
    sign(await sign(mail('Hello there.\n')), 'unpublished.test'),
  );
  add('a signature made with another key than the published one', 'fail arc=none', () =>
    sign(mail('Hello there.\n'), 'signed.test', { privateKey: other.privateKey }),
  );
  add('an ARC set from a forwarder on top of a DKIM signature', 'pass arc=pass', async () => {
    const message = await sign(mail('Hello there.\n'));
    const seal = await sealMessage(message, {
      signingDomain: 'forwarder.test',
      selector: 's1',
      privateKey: other.privateKey,
      authResults: 'mx.forwarder.test; dkim=pass header.d=signed.test',
      cv: 'none',
    } as Parameters<typeof sealMessage>[1]);
    return Buffer.concat([seal, message]);
  });

  beforeAll(async () => {
    dns = await startDns(RECORDS);
    resolver = cachedResolver({ servers: [dns.server], timeoutMs: 1000, cacheTtlMs: 0 });
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it.each(cases)(
    '%s: the same signatures, From and ARC chain as mailauth’s dkimVerify',
    async (_name, _meant, make) => {
      const message = await make();
      const parts = splitMessage(message);
      expect(parts).toBeDefined();
      const options = { resolver, sender: client.mailFrom };
      const [whole, cut] = await Promise.all([dkimVerify(message, options), dkimVerifyParts(parts!, options)]);
      expect(cut.results).toEqual(whole.results);
      expect(cut.headerFrom).toEqual(whole.headerFrom);
      expect(JSON.stringify(cut.arc)).toBe(JSON.stringify(whole.arc));
    },
  );

  // As the auth thread does, from one case to the next: DMARC verdicts reused for the same facts.
  const remembered = rememberedDmarc(60_000);

  it.each(cases)('%s: the same results for the trace and the policy', async (_name, _meant, make) => {
    const message = await make();
    const spf = () => checkSpf(client, { authservId: 'postroom.test', resolver });
    const [whole, cut] = await Promise.all([
      authenticateMessage(message, client, { resolver, spf, dmarc }),
      authenticateMessage(splitMessage(message)!, client, { resolver, spf, dmarc: remembered }),
    ]);
    expect(cut).toEqual(whole);
  });

  it.each(cases)('%s: %s', async (_name, meant, make) => {
    const spf = () => checkSpf(client, { authservId: 'postroom.test', resolver });
    const found = await authenticateMessage(splitMessage(await make())!, client, { resolver, spf, dmarc });
    expect(`${found.dkim.map((s) => s.result).join(',')} arc=${found.arc.result}`).toBe(meant);
  });
});

describe('where a message is cut', () => {
  it('after the empty line: the header block through its last CRLF, the body after it', () => {
    const parts = splitMessage(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore\r\n'));
    expect(parts?.head.toString()).toBe('A: 1\r\nB: 2\r\n');
    expect(parts?.body.toString()).toBe('body\r\n\r\nmore\r\n');
  });

  it('not at all without an empty line, or with a bare LF anywhere: mailauth reads those itself', () => {
    expect(splitMessage(Buffer.from('A: 1\r\nB: 2\r\n'))).toBeUndefined();
    expect(splitMessage(Buffer.from('A: 1\nB: 2\r\n\r\nbody\r\n'))).toBeUndefined();
    expect(splitMessage(Buffer.from('A: 1\r\n\r\nbody\nmore\r\n'))).toBeUndefined();
    expect(splitMessage(Buffer.from('\nA: 1\r\n\r\nbody\r\n'))).toBeUndefined();
  });
});
