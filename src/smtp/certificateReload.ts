import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Logger } from '../log/logger.js';

/** How early `check` and the console warn of a certificate's end: soon enough to renew it by hand. */
export const CERTIFICATE_EXPIRY_WARNING_DAYS = 14;

/** Whole days from `now` until `time` (both ms since the epoch); negative once it has passed. */
export function daysUntil(time: number, now: number): number {
  return Math.floor((time - now) / 86_400_000);
}

export interface TlsFiles {
  keyFile: string;
  certFile: string;
}

export interface TlsPair {
  key: Buffer;
  cert: Buffer;
}

/** The certificate STARTTLS serves now, and how the last attempt to replace it went. */
export interface TlsStatus {
  certFile: string;
  subject: string;
  /** When the served certificate stops being valid (ms since the epoch). */
  notAfter: number;
  fingerprint256: string;
  /** When the served pair was read. */
  loadedAt: number;
  /** Why the last new pair was refused; gone once one is taken. */
  reloadError?: string;
}

type PairRead = { ok: true; pair: TlsPair; certificate: X509Certificate } | { ok: false; reason: string };

/**
 * Reads a key and certificate and checks them as TLS will use them: both parse, and the key is
 * the certificate's. A file caught half-written, or a key renewed apart from its certificate, fails.
 */
export function readTlsPair({ keyFile, certFile }: TlsFiles): PairRead {
  try {
    const pair = { key: readFileSync(keyFile), cert: readFileSync(certFile) };
    createSecureContext(pair);
    return { ok: true, pair, certificate: new X509Certificate(pair.cert) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * What a renewal changes without reading the files: through symlinks (certbot's live/ names point
 * at a new file each time) the inode, and the size and mtime of a file rewritten in place.
 */
function filesVersion({ keyFile, certFile }: TlsFiles): string {
  return [keyFile, certFile]
    .map((file) => {
      try {
        const stat = statSync(file);
        return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join(' ');
}

/**
 * Keeps the SMTP front's key and certificate current: a new pair is taken on a signal or when the
 * files change, and served to every STARTTLS from then on; one that is not whole and matching is
 * refused, and the pair served until then stays.
 */
export class CertificateKeeper {
  private readonly files: TlsFiles;
  private served: TlsStatus;
  private seen: string;

  /** `initial`: the files and the pair the front was built with, read from them a moment ago. */
  constructor(
    initial: TlsFiles & TlsPair,
    private readonly serve: (pair: TlsPair) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.files = { keyFile: initial.keyFile, certFile: initial.certFile };
    this.seen = filesVersion(this.files);
    this.served = this.statusOf(new X509Certificate(initial.cert));
  }

  status(): TlsStatus {
    return { ...this.served };
  }

  /** Reads the files again and serves the pair if it is good; says whether it did. */
  reload(trigger: string): boolean {
    this.seen = filesVersion(this.files);
    const read = readTlsPair(this.files);
    if (!read.ok) return this.refuse(trigger, read.reason);
    // Called from a signal handler and a timer: nothing here may throw and end the process.
    const failed = this.tryServe(read.pair);
    if (failed !== undefined) return this.refuse(trigger, failed);
    this.served = this.statusOf(read.certificate);
    this.log.info(
      {
        trigger,
        certFile: this.files.certFile,
        subject: this.served.subject,
        notAfter: new Date(this.served.notAfter).toISOString(),
        fingerprint256: this.served.fingerprint256,
      },
      'TLS certificate reloaded',
    );
    return true;
  }

  /** A reload when the files changed since they were last read; nothing otherwise. */
  reloadIfChanged(): boolean {
    return filesVersion(this.files) !== this.seen && this.reload('files changed');
  }

  private refuse(trigger: string, reason: string): false {
    this.served = { ...this.served, reloadError: reason };
    this.log.error(
      { trigger, ...this.files, reason, servedNotAfter: new Date(this.served.notAfter).toISOString() },
      'TLS certificate not reloaded: the previous one is still served',
    );
    return false;
  }

  /** Undefined once the pair is served; why not otherwise. */
  private tryServe(pair: TlsPair): string | undefined {
    try {
      this.serve(pair);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private statusOf(certificate: X509Certificate): TlsStatus {
    return {
      certFile: this.files.certFile,
      subject: certificate.subject.replace(/\n/g, ', '),
      notAfter: Date.parse(certificate.validTo),
      fingerprint256: certificate.fingerprint256,
      loadedAt: this.now(),
    };
  }
}
