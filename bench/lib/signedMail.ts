import { dkimSign } from 'mailauth';
import { benchRecords, dkimKey, startDns, type LocalDns } from './dns.js';
import { makeMessage } from './smtpLoad.js';

/** The bench's 4 KB message, signed by client.test with `key`. */
export async function signedBenchMessage(key: ReturnType<typeof dkimKey>, size: number): Promise<Buffer> {
  const unsigned = makeMessage(size, 'bench');
  const signature = { signingDomain: 'client.test', selector: 'bench', privateKey: key.privateKey };
  // mailauth's types ask for the signature at the top level; its signer reads only signatureData.
  const { signatures } = await dkimSign(unsigned, { ...signature, signatureData: [signature] });
  return Buffer.concat([Buffer.from(signatures), unsigned]);
}

/** A local dnsmasq publishing benchRecords, and a message signed with its key. */
export async function benchDns(size: number): Promise<{ dns: LocalDns; signed: Buffer }> {
  const key = dkimKey();
  const dns = await startDns(benchRecords(key));
  return { dns, signed: await signedBenchMessage(key, size) };
}
