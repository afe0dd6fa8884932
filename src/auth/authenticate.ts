import { authenticate } from 'mailauth';
import type { AuthResult, AuthResults } from './results.js';
import type { DnsLookup } from './resolver.js';

export type AuthClient = AuthResults['client'];

/**
 * mailauth over one message, with what the SMTP session saw (not what the message claims):
 * its results reduced to the facts the policy and the trace need. BIMI is not asked for.
 */
export async function authenticateMessage(
  message: Buffer,
  client: AuthClient,
  options: { authservId: string; resolver: DnsLookup },
): Promise<AuthResults> {
  const found = await authenticate(message, {
    ip: client.ip,
    helo: client.helo,
    sender: client.mailFrom,
    mta: options.authservId,
    resolver: options.resolver,
    disableBimi: true,
  });
  const from = found.dkim.headerFrom ?? [];
  return {
    spf: found.spf ? { result: result(found.spf.status.result), domain: found.spf.domain } : { result: 'none' },
    dkim: found.dkim.results.map((signature) => ({
      result: result(signature.status.result),
      domain: signature.signingDomain,
      selector: signature.selector,
      aligned: Boolean(signature.status.aligned),
    })),
    dmarc: found.dmarc
      ? { result: result(found.dmarc.status.result), domain: found.dmarc.domain, policy: found.dmarc.policy }
      : { result: 'none' },
    arc: { result: found.arc ? result(found.arc.status.result) : 'none' },
    fromDomain: from.length === 1 ? from[0].slice(from[0].lastIndexOf('@') + 1).toLowerCase() : undefined,
    client,
  };
}

/** mailauth's spellings, in RFC 8601's words. */
function result(value: string | undefined): AuthResult {
  if (value === 'temperr') return 'temperror';
  if (!value || value === 'skipped') return 'none';
  return value as AuthResult;
}
