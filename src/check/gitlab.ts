import type { MailboxConfig, PostroomConfig } from '../config/index.js';
import { createGitlabPostback, readMailroomSecret, type MailroomMailboxType } from '../gitlab/index.js';
import { errorText, fail, ok, skip, type CheckResult } from './result.js';

/**
 * The GitLab sink: the endpoint answers and accepts our secret. The probe is an empty message,
 * which GitLab queues and its worker drops as blank without answering anyone.
 */
export async function checkGitlabSink(
  config: PostroomConfig,
  type: MailroomMailboxType,
  mailbox: MailboxConfig,
): Promise<CheckResult> {
  const name = `${type} gitlab`;
  if (config.sink !== 'gitlab') return skip(name, `sink is ${config.sink}`);
  const gitlabUrl = mailbox.gitlabUrl ?? config.incomingEmail.gitlabUrl;
  const secretFile = mailbox.secretFile ?? config.incomingEmail.secretFile;
  if (!gitlabUrl || !secretFile) return fail(name, 'gitlab_url and secret_file are required with sink: gitlab');
  let secret: Buffer;
  try {
    secret = readMailroomSecret(secretFile);
  } catch (error) {
    return fail(name, errorText(error));
  }
  const postback = createGitlabPostback({ gitlabUrl, mailboxType: type, secret, timeoutMs: 15_000 });
  const answer = await postback.deliver(new Uint8Array());
  switch (answer.kind) {
    case 'delivered':
      return ok(name, `${postback.url} accepted the secret (${answer.status})`);
    case 'retry':
      return fail(
        name,
        answer.status === 401
          ? `${postback.url} refused the secret in ${secretFile}: wrong secret`
          : `${postback.url}: ${answer.reason}`,
      );
    case 'dead':
      return fail(name, `${postback.url} answered ${answer.status}: ${answer.reason}`);
  }
}
