import { Resolver } from 'node:dns/promises';
import type { PostroomConfig } from '../config/index.js';
import { errorText, fail, ok, skip, type CheckResult } from './result.js';

// "No such name" and "no such record" are answers: the server is there and speaking.
const ANSWERS = new Set(['ENOTFOUND', 'ENODATA']);

/** Does the DNS sender authentication asks (`sender_auth.dns_servers`, else the system's) answer? */
export async function checkDns(config: PostroomConfig): Promise<CheckResult> {
  const { senderAuth, smtp } = config;
  if (!senderAuth.enabled) return skip('sender auth dns', 'sender_auth is off: no SPF, DKIM or DMARC lookups');
  const resolver = new Resolver({ timeout: senderAuth.dnsTimeoutMs, tries: 1 });
  if (senderAuth.dnsServers.length > 0) resolver.setServers(senderAuth.dnsServers);
  const servers = resolver.getServers().join(', ');
  const name = `_dmarc.${smtp.hostname}`;
  try {
    await resolver.resolveTxt(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!ANSWERS.has(code))
      return fail(
        'sender auth dns',
        `${servers} did not answer TXT ${name}: ${errorText(error)} (results would be temperror)`,
      );
  }
  return ok('sender auth dns', `${servers} answers (TXT ${name})`);
}
