import type { PostroomConfig } from '../config/index.js';
import { mailboxes } from './addresses.js';
import { ok, type CheckResult } from './result.js';

/** Which way mail comes in, and where the accepted domains came from. */
export function checkFront(config: PostroomConfig): CheckResult {
  const polled = mailboxes(config)
    .filter(([, m]) => m.host || m.inboxMethod === 'microsoft_graph')
    .map(([name]) => name);
  const polling = polled.length ? `; polling ${polled.join(' and ')}` : '';
  if (!config.smtp.enabled) return ok('smtp front', `off (smtp.enabled: false, mail_room mode)${polling}`);
  const domains = config.smtp.acceptedDomains.join(', ');
  const source = config.smtp.acceptedDomainsGiven ? 'listed in smtp.accepted_domains' : 'the domains of the addresses';
  return ok('smtp front', `accepts mail for ${domains} (${source})${polling}`);
}

/** What Postroom does with mail_room keys it accepts but does not act on. */
export function checkMailroomKeys(config: PostroomConfig): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [name, mailbox] of mailboxes(config)) {
    if (mailbox.logPath) {
      results.push(
        ok(
          `${name} log_path`,
          `${mailbox.logPath} is mail_room's own log; Postroom writes one JSON log for all its parts to stdout (journald under systemd)`,
        ),
      );
    }
    if (!mailbox.deliveryMethod) continue;
    const delivery =
      config.sink === 'gitlab'
        ? "POSTed to GitLab's internal mail_room API with the JWT secret, after it is stored in the spool"
        : 'routed into the embedded tracker, after it is stored in the spool';
    results.push(ok(`${name} delivery`, `delivery_method ${mailbox.deliveryMethod}: every message is ${delivery}`));
  }
  return results;
}
