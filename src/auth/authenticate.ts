import type { Readable } from 'node:stream';
import { isIP } from 'node:net';
import { authenticate, dmarc, spf } from 'mailauth';
import { addressesIn } from '../message/headers.js';
import type { AuthResult, AuthResults } from './results.js';
import type { DnsLookup } from './resolver.js';

export type AuthClient = AuthResults['client'];

/**
 * mailauth over one message, with what the SMTP session saw (not what the message claims):
 * its results reduced to the facts the policy and the trace need. BIMI is not asked for.
 */
export async function authenticateMessage(
  message: Buffer | Readable,
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

/**
 * The same checks for a message that carries no DKIM or ARC signature, from its From fields
 * alone: SPF for the session's client and DMARC for the From domain (DKIM and ARC are `none`),
 * with mailauth's SPF and DMARC, without running its signature machinery over nothing.
 */
export async function authenticateUnsigned(
  fromFields: readonly string[],
  client: AuthClient,
  options: { authservId: string; resolver: DnsLookup },
): Promise<AuthResults> {
  // mailauth's own rule: no HELO means the address, and an address is written in brackets.
  const helo = client.helo || client.ip;
  const checked = await spf({
    ip: client.ip ?? '',
    helo: helo && isIP(helo) ? `[${helo}]` : helo,
    sender: client.mailFrom,
    mta: options.authservId,
    resolver: options.resolver,
  });
  const from = fromFields.length === 1 ? addressesIn(fromFields[0]) : [];
  const spfResult = result(checked?.status.result);
  const found =
    from.length === 1
      ? await dmarc({
          headerFrom: from[0],
          spfDomains: spfResult === 'pass' && checked.domain ? [checked.domain] : [],
          dkimDomains: [],
          resolver: options.resolver,
        })
      : false;
  return {
    spf: checked ? { result: spfResult, domain: checked.domain } : { result: 'none' },
    dkim: [],
    dmarc: found
      ? { result: result(found.status.result), domain: found.domain, policy: found.policy }
      : { result: 'none' },
    arc: { result: 'none' },
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
