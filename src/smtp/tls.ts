import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { TlsFiles, TlsPair } from './certificateReload.js';
import { createSelfSignedCertificate } from './selfSignedCertificate.js';

export interface TlsMaterial extends TlsFiles, TlsPair {
  generated: boolean;
}

/**
 * The operator's key and certificate when configured; otherwise a self-signed development pair
 * made once into `certs/` (never committed) so STARTTLS works from the first start.
 */
export function loadTlsMaterial(
  configured: { key?: string; cert?: string },
  hostname: string,
  certDir: string,
  log: Logger,
): TlsMaterial {
  if (configured.key && configured.cert) {
    const files = { keyFile: configured.key, certFile: configured.cert };
    return { ...files, key: readFileSync(files.keyFile), cert: readFileSync(files.certFile), generated: false };
  }
  const keyFile = path.join(certDir, 'dev-key.pem');
  const certFile = path.join(certDir, 'dev-cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(certDir, { recursive: true });
    createSelfSignedCertificate({
      keyFile,
      certFile,
      commonName: hostname,
      altNames: [`DNS:${hostname}`],
      days: 825,
    });
    log.warn({ certFile }, 'no TLS certificate configured: generated a self-signed development certificate');
  }
  return { keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile), generated: true };
}
