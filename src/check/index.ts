import type { PostroomConfig } from '../config/index.js';
import type { MailroomMailboxType } from '../gitlab/index.js';
import { checkAddresses, mailboxes } from './addresses.js';
import { checkDns } from './dns.js';
import { checkFront, checkMailroomKeys } from './front.js';
import { checkGitlabSink } from './gitlab.js';
import { checkCertificate, checkListener } from './listener.js';
import { checkMailbox } from './mailbox.js';
import { checkRelay } from './relay.js';
import type { CheckResult } from './result.js';
import { checkTracker } from './tracker.js';
import { checkUpstreamAuth } from './upstreamAuth.js';

export type { CheckResult, CheckStatus } from './result.js';

/** Everything `postroom check` verifies, after the config itself has loaded. */
export async function runChecks(config: PostroomConfig, certDir?: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [
    checkFront(config),
    ...checkAddresses(config),
    await checkListener(config),
    checkCertificate(config, certDir),
    await checkDns(config),
    ...checkUpstreamAuth(config),
    ...checkMailroomKeys(config),
  ];
  for (const [name, mailbox] of mailboxes(config)) {
    results.push(await checkMailbox(name, mailbox));
    results.push(await checkGitlabSink(config, name as MailroomMailboxType, mailbox));
  }
  results.push(...checkTracker(config), await checkRelay(config));
  return results;
}
