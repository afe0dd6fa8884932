import { readFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import type { PostroomConfig } from '../config/index.js';
import { CERTIFICATE_EXPIRY_WARNING_DAYS, daysUntil } from '../smtp/certificateReload.js';
import { errorText, fail, ok, skip, warn, type CheckResult } from './result.js';

/** Can the SMTP port be bound (or is Postroom already on it)? */
export async function checkListener(config: PostroomConfig): Promise<CheckResult> {
  if (!config.smtp.enabled) return skip('smtp listener', 'smtp.enabled is false');
  const where = `${config.smtp.host}:${config.smtp.port}`;
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.smtp.port, config.smtp.host, () => resolve());
    });
    return ok('smtp listener', `${where} can be bound`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return warn('smtp listener', `${where} is in use (by a running Postroom?)`);
    return fail('smtp listener', `${where} cannot be bound: ${errorText(error)}`);
  } finally {
    server.close();
  }
}

/** The certificate STARTTLS will present: it must name smtp.hostname and be in date. */
export function checkCertificate(config: PostroomConfig, certDir = path.resolve('certs')): CheckResult {
  if (!config.smtp.enabled) return skip('tls certificate', 'smtp.enabled is false');
  const file = config.smtp.tls.cert ?? path.join(certDir, 'dev-cert.pem');
  if (!existsSync(file))
    return warn('tls certificate', `none configured; a self-signed development certificate will be made in ${certDir}`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(file));
  } catch (error) {
    return fail('tls certificate', `${file} is not a PEM certificate: ${errorText(error)}`);
  }
  const hostname = config.smtp.hostname;
  if (!certificate.checkHost(hostname))
    return fail(
      'tls certificate',
      `${file} does not name ${hostname} (subject ${certificate.subject.replace(/\n/g, ', ')})`,
    );
  const expires = new Date(certificate.validTo);
  const days = daysUntil(expires.getTime(), Date.now());
  if (days < 0) return fail('tls certificate', `${file} expired on ${expires.toISOString()}`);
  if (days < CERTIFICATE_EXPIRY_WARNING_DAYS) return warn('tls certificate', `${file} expires in ${days} days`);
  const selfSigned = certificate.issuer === certificate.subject ? ', self-signed' : '';
  return ok('tls certificate', `${file} names ${hostname}, valid for ${days} more days${selfSigned}`);
}
