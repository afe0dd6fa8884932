import { ImapFlow } from 'imapflow';
import type { MailboxConfig } from '../config/index.js';
import {
  DEFAULT_GRAPH_TIMING,
  GraphClient,
  graphOptions,
  graphUserUrl,
  imapConnectionOptions,
  imapTransport,
  parseJson,
  unreadMessagesUrl,
} from '../ingest/index.js';
import { createLogger } from '../log/logger.js';
import { errorText, fail, ok, skip, type CheckResult } from './result.js';

const TIMEOUT_MS = 15_000;

/** The mailbox Postroom would poll, reached exactly as the poller reaches it. */
export async function checkMailbox(name: string, mailbox: MailboxConfig): Promise<CheckResult> {
  if (mailbox.inboxMethod === 'microsoft_graph') return checkGraphMailbox(name, mailbox);
  const { host } = mailbox;
  if (!host) return skip(`${name} imap`, 'no host: mail arrives over SMTP only');
  const transport = imapTransport(mailbox);
  const client = new ImapFlow({
    ...imapConnectionOptions({ ...mailbox, host }),
    auth: { user: mailbox.user ?? '', pass: mailbox.password ?? '' },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  const where = `${host}:${mailbox.port} over ${transport}`;
  try {
    await client.connect();
    const opened = await client.mailboxOpen(mailbox.mailbox, { readOnly: true });
    return ok(
      `${name} imap`,
      `logged in to ${where} as ${mailbox.user}; ${mailbox.mailbox} holds ${opened.exists} messages`,
    );
  } catch (error) {
    const detail = (error as { authenticationFailed?: boolean }).authenticationFailed
      ? 'login refused: wrong user or password'
      : errorText(error);
    return fail(`${name} imap`, `${where}: ${detail}`);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The poller's first request: a token, then the folder's unread messages. */
async function checkGraphMailbox(name: string, mailbox: MailboxConfig): Promise<CheckResult> {
  const check = `${name} graph`;
  if (!mailbox.user) return fail(check, 'user (the mailbox address) is required for inbox_method microsoft_graph');
  let options;
  try {
    options = graphOptions(mailbox);
  } catch (error) {
    return fail(check, errorText(error));
  }
  const client = new GraphClient(
    options,
    { ...DEFAULT_GRAPH_TIMING, requestTimeoutMs: TIMEOUT_MS, throttledAttempts: 1 },
    new AbortController().signal,
    createLogger('silent'),
  );
  try {
    const page = parseJson(
      await client.request('GET', unreadMessagesUrl(graphUserUrl(options, mailbox.user), mailbox.mailbox)),
    ) as { value?: unknown; '@odata.nextLink'?: unknown };
    if (!Array.isArray(page.value)) return fail(check, 'the message list has no value array');
    const more = typeof page['@odata.nextLink'] === 'string' ? ' or more' : '';
    return ok(
      check,
      `token from ${options.azureAdEndpoint} for tenant ${options.tenantId}; ${mailbox.user}'s ${mailbox.mailbox} folder has ${page.value.length}${more} unread message(s)`,
    );
  } catch (error) {
    return fail(check, errorText(error));
  }
}
