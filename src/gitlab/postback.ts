import type { MailboxConfig } from '../config/index.js';
import { isTimeout, resultOfAnswer, resultOfFailure } from './answer.js';
import { DEFAULT_POSTBACK_TIMEOUT_MS } from './postbackTimeout.js';
import { MAILROOM_JWT_HEADER, mailroomJwt } from './jwt.js';
import { readMailroomSecret } from './mailroomSecret.js';
import type { MailroomMailboxType, PostbackResult } from './types.js';

export interface GitlabPostbackOptions {
  /** GitLab's external URL, with its relative root if any: https://gitlab.example.com/gitlab */
  gitlabUrl: string;
  mailboxType: MailroomMailboxType;
  /** The 32-byte key from the mail_room secret file. */
  secret: Buffer;
  timeoutMs?: number;
}

/** Hands raw messages to GitLab the way mail_room's postback delivery does. */
export interface GitlabPostback {
  readonly url: string;
  deliver(raw: Uint8Array): Promise<PostbackResult>;
}

export function createGitlabPostback(options: GitlabPostbackOptions): GitlabPostback {
  const url = mailroomEndpoint(options.gitlabUrl, options.mailboxType);
  const timeoutMs = options.timeoutMs ?? DEFAULT_POSTBACK_TIMEOUT_MS;
  // Once a postback went unanswered, GitLab is taken for hung until one is answered: a single
  // postback at a time finds out, and the rest go back to the queue at once instead of each
  // holding a worker for the whole timeout.
  let hung = false;
  let probing = false;
  return {
    url,
    async deliver(raw) {
      if (hung && probing)
        return { kind: 'retry', reason: `GitLab did not answer the last postback within ${timeoutMs} ms (${url})` };
      const probe = hung;
      probing ||= probe;
      try {
        const { result, unanswered } = await post(raw);
        hung = unanswered;
        return result;
      } finally {
        if (probe) probing = false;
      }
    },
  };

  async function post(raw: Uint8Array): Promise<{ result: PostbackResult; unanswered: boolean }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', [MAILROOM_JWT_HEADER]: mailroomJwt(options.secret) },
        // Typed views over a SharedArrayBuffer cannot be sent; spool rows are plain Buffers.
        body: raw as Uint8Array<ArrayBuffer>,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) {
        // The status is all we need; dropping the body frees the connection.
        await response.body?.cancel().catch(() => undefined);
        const answer = { status: response.status, statusText: response.statusText, body: '', location: null };
        return { result: resultOfAnswer(answer), unanswered: false };
      }
      const body = await response.text().catch(() => '');
      const answer = {
        status: response.status,
        statusText: response.statusText,
        body,
        location: response.headers.get('location'),
      };
      return { result: resultOfAnswer(answer), unanswered: false };
    } catch (error) {
      return { result: resultOfFailure(error, url, timeoutMs), unanswered: isTimeout(error) };
    }
  }
}

/** The postback for a configured mailbox; throws (at start, not per message) when gitlab_url or secret_file is missing or unusable. */
export function gitlabPostbackFor(
  mailboxType: MailroomMailboxType,
  mailbox: MailboxConfig,
  options: { timeoutMs?: number } = {},
): GitlabPostback {
  if (!mailbox.gitlabUrl) throw new Error(`${mailboxType}.gitlab_url is required to deliver to GitLab`);
  if (!mailbox.secretFile) throw new Error(`${mailboxType}.secret_file is required to deliver to GitLab`);
  return createGitlabPostback({
    gitlabUrl: mailbox.gitlabUrl,
    mailboxType,
    secret: readMailroomSecret(mailbox.secretFile),
    ...options,
  });
}

/** `<gitlab_url>/api/v4/internal/mail_room/<type>`, keeping a relative root and ignoring a trailing slash. */
export function mailroomEndpoint(gitlabUrl: string, mailboxType: MailroomMailboxType): string {
  let base: URL;
  try {
    base = new URL(gitlabUrl);
  } catch {
    throw new Error(`gitlab_url must be an http or https URL, got ${JSON.stringify(gitlabUrl)}`);
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash) {
    throw new Error(
      `gitlab_url must be an http or https URL without query or fragment, got ${JSON.stringify(gitlabUrl)}`,
    );
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v4/internal/mail_room/${mailboxType}`;
}
