import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../config/index.js';
import { errorText, fail, ok, skip, type CheckResult } from './result.js';

const TIMEOUT_MS = 15_000;

/** The mailbox Postroom would poll: IMAP login and SELECT, or a Microsoft Graph token. */
export async function checkMailbox(name: string, mailbox: MailboxConfig): Promise<CheckResult> {
  if (mailbox.inboxMethod === 'microsoft_graph') return checkGraphToken(name, mailbox);
  if (!mailbox.host) return skip(`${name} imap`, 'no host: mail arrives over SMTP only');
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.ssl,
    doSTARTTLS: mailbox.startTls ? true : undefined,
    auth: { user: mailbox.user ?? '', pass: mailbox.password ?? '' },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const opened = await client.mailboxOpen(mailbox.mailbox, { readOnly: true });
    return ok(
      `${name} imap`,
      `logged in to ${mailbox.host}:${mailbox.port} as ${mailbox.user}; ${mailbox.mailbox} holds ${opened.exists} messages`,
    );
  } catch (error) {
    const detail = (error as { authenticationFailed?: boolean }).authenticationFailed
      ? 'login refused: wrong user or password'
      : errorText(error);
    return fail(`${name} imap`, `${mailbox.host}:${mailbox.port}: ${detail}`);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function checkGraphToken(name: string, mailbox: MailboxConfig): Promise<CheckResult> {
  const options = (mailbox.inboxOptions ?? {}) as Record<string, string | undefined>;
  const endpoint = (options.azure_ad_endpoint ?? 'https://login.microsoftonline.com').replace(/\/$/, '');
  const graph = (options.graph_endpoint ?? 'https://graph.microsoft.com').replace(/\/$/, '');
  const missing = ['tenant_id', 'client_id', 'client_secret'].filter((k) => !options[k]);
  if (missing.length) return fail(`${name} graph`, `inbox_options lacks ${missing.join(', ')}`);
  const url = `${endpoint}/${options.tenant_id}/oauth2/v2.0/token`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.client_id as string,
        client_secret: options.client_secret as string,
        scope: `${graph}/.default`,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.ok) return ok(`${name} graph`, `token granted by ${endpoint} for tenant ${options.tenant_id}`);
    return fail(`${name} graph`, `${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  } catch (error) {
    return fail(`${name} graph`, `${url}: ${errorText(error)}`);
  }
}
