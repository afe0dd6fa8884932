import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rememberedKeyLookup,
  rememberKeyRecords,
  rememberParsedPublicKeys,
  type KeyLookup,
} from '../../src/auth/publicKeys.js';
import { cachedResolver, type DnsLookup } from '../../src/auth/resolver.js';
import { dkimKey, dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';

const keyRecord = dkimKey();
const otherRecord = dkimKey();

const pair = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: crypto.KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

describe('DKIM keys parsed once in the auth thread', () => {
  rememberParsedPublicKeys();
  const a = pair();
  const b = pair();
  const data = Buffer.from('the canonicalized header');
  const signature = crypto.sign('sha256', data, a.privateKey);

  it('answers the same key for the same bytes, and another key for other bytes', () => {
    const first = crypto.createPublicKey({ key: Buffer.from(pem(a.publicKey)), format: 'pem' });
    expect(crypto.createPublicKey({ key: Buffer.from(pem(a.publicKey)), format: 'pem' })).toBe(first);
    expect(first.equals(a.publicKey)).toBe(true);
    const other = crypto.createPublicKey({ key: Buffer.from(pem(b.publicKey)), format: 'pem' });
    expect(other).not.toBe(first);
    expect(other.equals(b.publicKey)).toBe(true);
    // A bare PEM string, as mailauth passes it to verify.
    const bare = crypto.createPublicKey(pem(a.publicKey));
    expect(crypto.createPublicKey(pem(a.publicKey))).toBe(bare);
    expect(bare.equals(a.publicKey)).toBe(true);
  });

  it('still verifies with a PEM string: the right key passes, a tampered message or another key fails', () => {
    // mailauth hands verify the PEM it exported, every time.
    const exported = a.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    for (let i = 0; i < 2; i++) expect(crypto.verify('rsa-sha256', data, exported, signature)).toBe(true);
    expect(crypto.verify('rsa-sha256', Buffer.from('tampered'), exported, signature)).toBe(false);
    expect(crypto.verify('rsa-sha256', data, pem(b.publicKey), signature)).toBe(false);
  });
});

const records = {
  'a._domainkey.keys.test': keyRecord.record,
  'b._domainkey.keys.test': keyRecord.record,
  'c._domainkey.keys.test': otherRecord.record,
  'bad._domainkey.keys.test': 'v=DKIM1; k=rsa; p=not*base64',
};

describe.skipIf(!dnsmasqAvailable)('DKIM key records read once per record text in the auth thread', () => {
  let dns: TestDns;
  let resolver: DnsLookup;
  // mailauth's own lookup, and the same remembered.
  const mailauthLookup = createRequire(import.meta.url)('mailauth/lib/tools.js') as { getPublicKey: KeyLookup };
  const lookup = rememberedKeyLookup(mailauthLookup.getPublicKey);

  beforeAll(async () => {
    dns = await startDns(records);
    resolver = cachedResolver({ servers: [dns.server], timeoutMs: 1000, cacheTtlMs: 60_000 });
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('answers what mailauth answers, once for each answer of the resolver; another record, another key', async () => {
    const first = await lookup('DKIM', 'a._domainkey.keys.test', 1024, resolver);
    expect(first).toEqual(await mailauthLookup.getPublicKey('DKIM', 'a._domainkey.keys.test', 1024, resolver));
    expect(await lookup('DKIM', 'a._domainkey.keys.test', 1024, resolver)).toBe(first);
    // The same text under another name is another answer: read again, to the same key.
    const again = await lookup('DKIM', 'b._domainkey.keys.test', 1024, resolver);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    const other = await lookup('DKIM', 'c._domainkey.keys.test', 1024, resolver);
    expect(other).not.toEqual(first);
    expect(other).toEqual(await mailauthLookup.getPublicKey('DKIM', 'c._domainkey.keys.test', 1024, resolver));
  });

  it('reads the record again once the resolver’s answer expires', async () => {
    const uncached = cachedResolver({ servers: [dns.server], timeoutMs: 1000, cacheTtlMs: 0 });
    const first = await lookup('DKIM', 'a._domainkey.keys.test', 1024, uncached);
    const next = await lookup('DKIM', 'a._domainkey.keys.test', 1024, uncached);
    expect(next).not.toBe(first);
    expect(next).toEqual(first);
  });

  it('refuses as mailauth does, every time: a record that holds no key, a key shorter than asked, no record', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(lookup('DKIM', 'bad._domainkey.keys.test', 1024, resolver)).rejects.toMatchObject({
        code: 'EINVALIDVAL',
      });
      await expect(lookup('DKIM', 'a._domainkey.keys.test', 4096, resolver)).rejects.toMatchObject({
        code: 'ESHORTKEY',
      });
      await expect(lookup('DKIM', 'none._domainkey.keys.test', 1024, resolver)).rejects.toMatchObject({
        code: 'ENOTFOUND',
      });
    }
    // The short-key refusal is for that minimum alone.
    expect(await lookup('DKIM', 'a._domainkey.keys.test', 1024, resolver)).toMatchObject({ modulusLength: 2048 });
  });

  it('says so when mailauth’s verifier is loaded already: it keeps the lookup it found', async () => {
    await import('mailauth');
    expect(() => rememberKeyRecords()).toThrow(/loaded already/);
  });
});
