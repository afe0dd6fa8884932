import { MAIL_KEY_MATCHERS, serviceDesk } from './matchers.js';
import type { Mailbox, MailTarget, ServiceDeskTarget } from './target.js';

const SERVICE_DESK_PROJECT_KEY = /^[a-z0-9_]+$/;

/**
 * What a mail key asks for, or null when no handler takes it. The incoming mailbox tries every
 * handler in GitLab's order; the Service Desk mailbox only opens tickets, and there a key may also
 * be `<slug>-<project_key>` (the project key is whatever follows the last dash).
 */
export function parseMailKey(key: string, options: { mailbox: Mailbox }): MailTarget | null {
  // Keys come from a `(.+)` that stops at a line feed, so a multi-line key is never GitLab's.
  if (key.length === 0 || key.includes('\n')) return null;
  if (options.mailbox === 'serviceDesk') return serviceDesk(key) ?? serviceDeskByProjectKey(key);
  for (const matcher of MAIL_KEY_MATCHERS) {
    const target = matcher.match(key);
    if (target) return target;
  }
  return null;
}

function serviceDeskByProjectKey(key: string): ServiceDeskTarget | null {
  const dash = key.lastIndexOf('-');
  if (dash < 1) return null;
  const projectKey = key.slice(dash + 1);
  if (!SERVICE_DESK_PROJECT_KEY.test(projectKey)) return null;
  return { kind: 'serviceDesk', project: { by: 'serviceDeskKey', slug: key.slice(0, dash), projectKey } };
}
