import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSelfSignedCertificate } from '../../src/smtp/selfSignedCertificate.js';

export interface CertificatePair {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate, by default for a loopback server (localhost and 127.0.0.1). It is its
 * own CA, so a client trusts it through NODE_EXTRA_CA_CERTS or a ca option, and checks it for real.
 */
export function selfSignedPair(
  dir: string,
  name = 'loopback',
  options: { altNames?: string[]; days?: number } = {},
): CertificatePair {
  mkdirSync(dir, { recursive: true });
  const pair = { cert: path.join(dir, `${name}-cert.pem`), key: path.join(dir, `${name}-key.pem`) };
  createSelfSignedCertificate({
    keyFile: pair.key,
    certFile: pair.cert,
    commonName: name,
    altNames: options.altNames ?? ['DNS:localhost', 'IP:127.0.0.1'],
    days: options.days ?? 2,
  });
  return pair;
}
