import { readFileSync } from 'node:fs';
import type { ImapFlowOptions } from 'imapflow';
import type { MailboxConfig } from '../config/index.js';

export type ImapTransport = 'implicit TLS' | 'STARTTLS' | 'cleartext';

/**
 * How Postroom reaches a mailbox's IMAP server, for the poller and for `check` alike, as
 * mail_room does: `ssl` is TLS from the first byte; otherwise `start_tls: true` upgrades and
 * insists on it, and `start_tls: false` stays in cleartext even when the server offers STARTTLS.
 */
export function imapConnectionOptions(
  mailbox: MailboxConfig & { host: string },
): Pick<ImapFlowOptions, 'host' | 'port' | 'secure' | 'doSTARTTLS' | 'tls'> {
  const { verifyMode, caFile } = mailbox.sslOptions;
  return {
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.ssl,
    doSTARTTLS: mailbox.ssl ? undefined : mailbox.startTls,
    tls: {
      rejectUnauthorized: verifyMode === 'peer',
      ...(caFile ? { ca: readFileSync(caFile) } : {}),
    },
  };
}

export function imapTransport(mailbox: Pick<MailboxConfig, 'ssl' | 'startTls'>): ImapTransport {
  return mailbox.ssl ? 'implicit TLS' : mailbox.startTls ? 'STARTTLS' : 'cleartext';
}
