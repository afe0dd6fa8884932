import type { PostroomConfig } from '../config/index.js';
import { ok, warn, type CheckResult } from './result.js';

/** Whose word polled (IMAP, Graph) mail's sender authentication is: `sender_auth.trusted_authserv_ids`. */
export function checkUpstreamAuth(config: PostroomConfig): CheckResult[] {
  const polled = [config.incomingEmail, config.serviceDeskEmail].some(
    (m) => m.enabled && (m.host || m.inboxMethod === 'microsoft_graph'),
  );
  const { trustedAuthservIds, require } = config.senderAuth;
  if (!polled || require === 'off') return [];
  if (trustedAuthservIds.length === 0)
    return [
      warn(
        'polled sender auth',
        'no sender_auth.trusted_authserv_ids: polled mail carries no authentication results, so a forged From is not refused',
      ),
    ];
  return [
    ok(
      'polled sender auth',
      `results from the topmost Authentication-Results field of ${trustedAuthservIds.join(', ')}`,
    ),
  ];
}
