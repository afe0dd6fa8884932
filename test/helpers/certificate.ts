import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface CertificatePair {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for a loopback server, naming localhost and 127.0.0.1; it is its own
 * CA, so a client trusts it through NODE_EXTRA_CA_CERTS or a ca option, and checks it for real.
 */
export function loopbackCertificate(dir: string, name = 'loopback'): CertificatePair {
  mkdirSync(dir, { recursive: true });
  const pair = { cert: path.join(dir, `${name}-cert.pem`), key: path.join(dir, `${name}-key.pem`) };
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
    ],
    { stdio: 'ignore' },
  );
  return pair;
}
