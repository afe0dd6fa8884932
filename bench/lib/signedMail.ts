import { dkimSignature } from './dkimSignature.js';
import { benchRecords, dkimKey, startDns, type LocalDns } from './dns.js';
import { makeMessage } from './smtpLoad.js';

/** The bench's 4 KB message, signed by client.test with `key`. */
export async function signedBenchMessage(key: ReturnType<typeof dkimKey>, size: number): Promise<Buffer> {
  const unsigned = makeMessage(size, 'bench');
  const signature = await dkimSignature(unsigned, {
    signingDomain: 'client.test',
    selector: 'bench',
    privateKey: key.privateKey,
  });
  return Buffer.concat([Buffer.from(signature), unsigned]);
}

/** A local dnsmasq publishing benchRecords, and a message signed with its key. */
export async function benchDns(size: number): Promise<{ dns: LocalDns; signed: Buffer }> {
  const key = dkimKey();
  const dns = await startDns(benchRecords(key));
  return { dns, signed: await signedBenchMessage(key, size) };
}
