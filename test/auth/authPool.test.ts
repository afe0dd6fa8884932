import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSignature } from '../../bench/lib/dkimSignature.js';
import { startAuthPool, type AuthPool } from '../../src/auth/authPool.js';
import { dkimKey, dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';

const key = dkimKey();
const client = { ip: '127.0.0.1', helo: 'mail.client.test', mailFrom: 'bob@signed.test' };

async function signed(n: number): Promise<Uint8Array> {
  const message = Buffer.from(
    `From: Bob <bob@signed.test>\r\nTo: <incoming@postroom.test>\r\nSubject: number ${n}\r\nMessage-ID: <${n}@signed.test>\r\n\r\nBody ${n}.\r\n`,
  );
  const signature = await dkimSignature(message, {
    signingDomain: 'signed.test',
    selector: 's1',
    privateKey: key.privateKey,
  });
  // A buffer of its own: the pool moves it to a thread.
  return new Uint8Array(Buffer.concat([Buffer.from(signature, 'latin1'), message]));
}

describe.skipIf(!dnsmasqAvailable)('the authentication threads', () => {
  let dns: TestDns;
  let pool: AuthPool;

  beforeAll(async () => {
    dns = await startDns({
      'signed.test': 'v=spf1 ip4:127.0.0.1 -all',
      's1._domainkey.signed.test': key.record,
      '_dmarc.signed.test': 'v=DMARC1; p=reject',
    });
  });
  afterAll(async () => {
    await pool?.close();
    await dns?.stop();
  });

  const options = () => ({
    authservId: 'postroom.test',
    dns: { servers: [dns.server], timeoutMs: 2000, cacheTtlMs: 60_000 },
  });

  it('keep one thread while checks come one at a time', async () => {
    pool = startAuthPool(options(), 2);
    for (let n = 0; n < 3; n++) {
      const results = await pool.check({ message: await signed(n) }, client);
      expect(results.dkim.map((d) => d.result)).toEqual(['pass']);
    }
    expect(pool.size()).toBe(1);
    expect(pool.waiting()).toBe(0);
    await pool.close();
  });

  it('start a second when a burst finds the first busy, up to the limit, and answer every check', async () => {
    pool = startAuthPool(options(), 2);
    const burst = await Promise.all(Array.from({ length: 6 }, (_, n) => signed(n)));
    const checks = burst.map((message) => pool.check({ message }, client));
    expect(pool.size()).toBe(2);
    expect(pool.waiting()).toBe(6);
    const results = await Promise.all(checks);
    expect(results.map((r) => r.dkim.map((d) => `${d.result} ${d.domain}`))).toEqual(
      Array.from({ length: 6 }, () => ['pass signed.test']),
    );
    expect(pool.waiting()).toBe(0);
    await pool.close();
  });

  it('answer what is still waiting temperror when closed', async () => {
    pool = startAuthPool(options(), 2);
    const checks = [pool.check({ message: await signed(7) }, client), pool.check({ message: await signed(8) }, client)];
    await pool.close();
    const results = await Promise.all(checks);
    expect(results.map((r) => [r.spf.result, r.dmarc.result, r.error])).toEqual([
      ['temperror', 'temperror', 'shutting down'],
      ['temperror', 'temperror', 'shutting down'],
    ]);
    expect(pool.size()).toBe(0);
  });
});
