import { dkimSign } from 'mailauth';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dkimSignature } from '../../bench/lib/dkimSignature.js';
import { dkimKey } from '../helpers/dns.js';

const key = dkimKey();
const message = Buffer.from('From: <bob@signed.test>\r\nTo: <a@postroom.test>\r\nSubject: hi\r\n\r\nBody.\r\n');
const signer = { signingDomain: 'signed.test', selector: 's1', privateKey: key.privateKey };
const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === 's1._domainkey.signed.test') return [[key.record]];
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

async function dkimOf(signature: string): Promise<string> {
  const { results } = await dkimVerify(Buffer.concat([Buffer.from(signature, 'latin1'), message]), { resolver });
  return results.map((result) => result.status.result).join(' ');
}

/** A clock that moves on a second each time it is read: every pair of reads lands in different seconds. */
function clockTurningEverySecond(): void {
  let now = Date.now();
  vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
}

describe('the test and bench DKIM signer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('makes a signature that verifies though a second turns while it signs', async () => {
    clockTurningEverySecond();
    expect(await dkimOf(await dkimSignature(message, signer))).toBe('pass');
  });

  it('is needed: mailauth left to its own clock writes a t= it did not sign', async () => {
    clockTurningEverySecond();
    const { signatures } = await dkimSign(message, { ...signer, signatureData: [signer] });
    expect(await dkimOf(signatures)).toBe('fail');
  });
});
