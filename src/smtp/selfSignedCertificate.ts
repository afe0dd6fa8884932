import { execFileSync } from 'node:child_process';

export interface SelfSignedRequest {
  keyFile: string;
  certFile: string;
  commonName: string;
  /** subjectAltName entries, e.g. `DNS:mx.example.com`, `IP:127.0.0.1`. */
  altNames: string[];
  days: number;
}

/** A P-256 key and a self-signed certificate for it, made by openssl (present wherever Node is built with it). */
export function createSelfSignedCertificate(request: SelfSignedRequest): void {
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
      '-sha256',
      '-days',
      String(request.days),
      '-subj',
      `/CN=${request.commonName}`,
      '-addext',
      `subjectAltName=${request.altNames.join(',')}`,
      '-keyout',
      request.keyFile,
      '-out',
      request.certFile,
    ],
    { stdio: 'ignore' },
  );
}
