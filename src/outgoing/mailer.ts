import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { OutgoingConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { composeMail } from './compose.js';
import { noDelaySocket } from './noDelaySocket.js';
import type { OutgoingMessage } from './message.js';

export type MailOutcome =
  | { status: 'sent'; messageId: string; response: string; rejected: string[] }
  | { status: 'failed'; messageId: string; transient: boolean; reason: string }
  | { status: 'skipped'; messageId: string; reason: string };

export interface Mailer {
  /** Never throws: every way a send can end is a value the caller must look at. */
  send(message: OutgoingMessage): Promise<MailOutcome>;
  close(): void;
}

export interface MailerTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

const DEFAULT_TIMEOUTS: MailerTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 60_000 };
// Failures before any reply from the relay: the network or the relay is down, and will come back.
const TRANSIENT_ERROR_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const DISABLED_REASON = 'outgoing mail is disabled (outgoing.enabled: false)';

export function createMailer(
  config: OutgoingConfig,
  logger: Logger,
  timeouts: MailerTimeouts = DEFAULT_TIMEOUTS,
): Mailer {
  const log = logger.child({ component: 'outgoing' });
  if (!config.enabled) {
    return {
      async send(message) {
        log.info(
          { messageId: message.messageId, kind: message.kind, reason: DISABLED_REASON },
          'outgoing mail skipped',
        );
        return { status: 'skipped', messageId: message.messageId, reason: DISABLED_REASON };
      },
      close() {},
    };
  }

  const transport = nodemailer.createTransport(transportOptions(config, timeouts));
  return {
    async send(message) {
      const context = { messageId: message.messageId, kind: message.kind, to: message.to.map((to) => to.address) };
      try {
        const { envelope, raw } = await composeMail(message);
        const info = await transport.sendMail({ envelope, raw });
        const rejected = (info.rejected ?? []).map(String);
        log.info({ ...context, response: info.response, rejected }, 'outgoing mail sent');
        return { status: 'sent', messageId: message.messageId, response: info.response, rejected };
      } catch (error) {
        const failure = classify(error);
        log.warn({ ...context, ...failure }, 'outgoing mail failed');
        return { status: 'failed', messageId: message.messageId, ...failure };
      }
    },
    close() {
      transport.close();
    },
  };
}

export function transportOptions(config: OutgoingConfig, timeouts: MailerTimeouts): SMTPPool.Options {
  return {
    pool: true,
    maxConnections: config.concurrency,
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && config.startTls === 'require',
    ignoreTLS: !config.secure && config.startTls === 'never',
    // Opportunistic TLS (RFC 7435) encrypts without authenticating, as Postfix's `may` level does;
    // an operator who wants the certificate checked says `require` or `secure`.
    tls: { rejectUnauthorized: config.secure || config.startTls === 'require' },
    auth: config.user !== undefined ? { user: config.user, pass: config.password ?? '' } : undefined,
    getSocket: noDelaySocket,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
  };
}

function classify(error: unknown): { transient: boolean; reason: string } {
  const { code, responseCode, message } = (error ?? {}) as { code?: string; responseCode?: number; message?: string };
  const reason = [code, message ?? String(error)].filter(Boolean).join(': ');
  if (typeof responseCode === 'number') return { transient: responseCode >= 400 && responseCode < 500, reason };
  return { transient: code !== undefined && TRANSIENT_ERROR_CODES.has(code), reason };
}
