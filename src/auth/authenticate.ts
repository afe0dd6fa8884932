import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { arc, dkimVerify, dmarc, spf, type ARCData, type DKIMResult } from 'mailauth';
import { addressesIn } from '../message/headers.js';
import { dkimVerifyParts, type MessageParts } from './messageParts.js';
import type { AuthResult, AuthResults } from './results.js';
import type { DnsLookup } from './resolver.js';

export type AuthClient = AuthResults['client'];
type SpfFound = Awaited<ReturnType<typeof spf>> | undefined;
/** SPF for the session's client: a function of the client and DNS alone, so it may be remembered. */
export type SpfCheck = (client: AuthClient) => Promise<SpfFound>;

interface AuthOptions {
  authservId: string;
  resolver: DnsLookup;
}

/** mailauth's SPF check of what the session saw (not what the message claims). */
export function checkSpf(client: AuthClient, options: AuthOptions): Promise<SpfFound> {
  // mailauth's own rule: no HELO means the address, and an address is written in brackets.
  const helo = client.helo || client.ip;
  return spf({
    ip: client.ip ?? '',
    helo: helo && isIP(helo) ? `[${helo}]` : helo,
    sender: client.mailFrom,
    mta: options.authservId,
    resolver: options.resolver,
  });
}

/**
 * mailauth's DKIM, ARC and DMARC over one message, with SPF from `options.spf`: what mailauth's
 * `authenticate` does, without the Authentication-Results text it would format and we do not use,
 * reduced to the facts the policy and the trace need. BIMI is not asked for. A message already
 * cut in two (see splitMessage) goes to mailauth's verifier as it is, without its stream.
 */
export async function authenticateMessage(
  message: Buffer | Readable | MessageParts,
  client: AuthClient,
  options: { resolver: DnsLookup; spf: SpfCheck },
): Promise<AuthResults> {
  const { resolver } = options;
  const dkimOptions = { resolver, sender: client.mailFrom };
  const [signed, checked] = await Promise.all([
    'body' in message ? dkimVerifyParts(message, dkimOptions) : dkimVerify(message, dkimOptions),
    options.spf(client),
  ]);
  const chain = await arc(signed.arc as unknown as ARCData, { resolver });
  const passed = signed.results.filter((signature) => signature.status.result === 'pass');
  const found = await dmarc({
    headerFrom: signed.headerFrom,
    spfDomains: spfPassDomains(checked),
    dkimDomains: passed.map((s) => ({
      id: s.id,
      domain: s.signingDomain,
      aligned: s.status.aligned,
      underSized: s.status.underSized,
    })),
    arcResult: chain,
    resolver,
  });
  return outcome(checked, signed.results, found, result(chain.status.result), signed.headerFrom, client);
}

/**
 * The same checks for a message that carries no DKIM or ARC signature, from its From fields
 * alone: SPF for the session's client and DMARC for the From domain (DKIM and ARC are `none`),
 * with mailauth's SPF and DMARC, without running its signature machinery over nothing.
 */
export async function authenticateUnsigned(
  fromFields: readonly string[],
  client: AuthClient,
  options: AuthOptions,
): Promise<AuthResults> {
  const checked = await checkSpf(client, options);
  const from = fromFields.length === 1 ? addressesIn(fromFields[0]) : [];
  const found =
    from.length === 1
      ? await dmarc({
          headerFrom: from[0],
          spfDomains: spfPassDomains(checked),
          dkimDomains: [],
          resolver: options.resolver,
        })
      : false;
  return outcome(checked, [], found, 'none', from, client);
}

function spfPassDomains(checked: SpfFound): string[] {
  return checked && result(checked.status.result) === 'pass' && checked.domain ? [checked.domain] : [];
}

function outcome(
  checked: SpfFound,
  signatures: readonly DKIMResult[],
  found: Awaited<ReturnType<typeof dmarc>>,
  arcResult: AuthResult,
  from: readonly string[],
  client: AuthClient,
): AuthResults {
  return {
    spf: checked ? { result: result(checked.status.result), domain: checked.domain } : { result: 'none' },
    dkim: signatures.map((signature) => ({
      result: result(signature.status.result),
      domain: signature.signingDomain,
      selector: signature.selector,
      aligned: Boolean(signature.status.aligned),
    })),
    dmarc: found
      ? { result: result(found.status.result), domain: found.domain, policy: found.policy }
      : { result: 'none' },
    arc: { result: arcResult },
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
