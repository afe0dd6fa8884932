import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rememberParsedPublicKeys } from '../../src/auth/publicKeys.js';

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
  });

  it('still verifies with a PEM string: the right key passes, a tampered message or another key fails', () => {
    // mailauth hands verify the PEM it exported, every time.
    const exported = a.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    for (let i = 0; i < 2; i++) expect(crypto.verify('rsa-sha256', data, exported, signature)).toBe(true);
    expect(crypto.verify('rsa-sha256', Buffer.from('tampered'), exported, signature)).toBe(false);
    expect(crypto.verify('rsa-sha256', data, pem(b.publicKey), signature)).toBe(false);
  });
});
