import { startSenderAuthenticator } from '../auth/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { SenderAuth } from '../smtp/senderCheck.js';

/** The SMTP front's sender authentication, from `sender_auth`; our authserv-id is `smtp.hostname`. */
export function startSenderAuth(config: PostroomConfig): SenderAuth {
  const { senderAuth, smtp } = config;
  return {
    authenticator: startSenderAuthenticator(
      {
        authservId: smtp.hostname,
        dns: { servers: senderAuth.dnsServers, timeoutMs: senderAuth.dnsTimeoutMs, cacheTtlMs: senderAuth.cacheTtlMs },
      },
      senderAuth.deadlineMs,
    ),
    policy: senderAuth,
    authservId: smtp.hostname,
  };
}
