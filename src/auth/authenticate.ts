import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { ARCData, DKIMResult, DKIMVerifyOptions, DMARCOptions } from 'mailauth';
// The four checks' own modules, not mailauth's index: that loads BIMI and its certificate and
// HTTP code too, about 5 MiB of heap in every thread that checks mail.
import { arc } from 'mailauth/lib/arc/index.js';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import { spf } from 'mailauth/lib/spf/index.js';
// mailauth's own verifier and header parser (internal modules of the pinned mailauth 4.13.3),
// the ones its dkimVerify runs: it feeds them through a Writable that looks for the empty line
// byte by byte, adds CRs to bare LFs and takes the message in 64 KiB chunks a turn apart.
import { DkimVerifier } from 'mailauth/lib/dkim/dkim-verifier.js';
import { parseHeaders } from 'mailauth/lib/tools.js';
import { addressesIn } from '../message/headers.js';
import type { MessageParts } from './messageParts.js';
import { recentAnswers } from './recent.js';
import type { AuthResult, AuthResults } from './results.js';
import type { DnsLookup } from './resolver.js';

export type AuthClient = AuthResults['client'];
type SpfFound = Awaited<ReturnType<typeof spf>> | undefined;
/** SPF for the session's client: a function of the client and DNS alone, so it may be remembered. */
export type SpfCheck = (client: AuthClient) => Promise<SpfFound>;
type DmarcFound = Awaited<ReturnType<typeof dmarc>>;
type DmarcCheck = (facts: DMARCOptions) => Promise<DmarcFound>;

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
  options: { resolver: DnsLookup; spf: SpfCheck; dmarc: DmarcCheck },
): Promise<AuthResults> {
  const { resolver } = options;
  const dkimOptions = { resolver, sender: client.mailFrom };
  const [signed, checked] = await Promise.all([
    'body' in message ? dkimVerifyParts(message, dkimOptions) : dkimVerify(message, dkimOptions),
    options.spf(client),
  ]);
  const chain = await arc(signed.arc as unknown as ARCData, { resolver });
  const passed = signed.results.filter((signature) => signature.status.result === 'pass');
  const found = await options.dmarc({
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
 * mailauth's DMARC check, remembered for a while as SPF is: its verdict is a function of the From
 * address, the domains that passed SPF and DKIM and the From domain's record (which the resolver
 * caches anyway). Of a signature it reads the domain and the body it left unsigned, not its id;
 * of ARC only the result word, for a comment we do not use.
 */
export function rememberedDmarc(ttlMs: number): DmarcCheck {
  const recent = recentAnswers<DmarcFound>(ttlMs, (found) => found !== false && found.status.result === 'temperror');
  return (facts) =>
    recent(
      JSON.stringify([
        facts.headerFrom,
        facts.spfDomains,
        facts.dkimDomains?.map((signature) => [signature.domain, signature.aligned, signature.underSized]),
        facts.arcResult?.status.result,
      ]),
      () => dmarc(facts),
    );
}

/** mailauth's DKIM verification (and the ARC chain it reads) of a message already cut in two: what dkimVerify does with the same bytes. */
export async function dkimVerifyParts({ head, body }: MessageParts, options: DKIMVerifyOptions) {
  const verifier = new DkimVerifier(options);
  await verifier.messageHeaders(parseHeaders(head));
  // mailauth's parser passes on no empty chunk.
  if (body.length > 0) await verifier.nextChunk(body);
  await verifier.finalChunk();
  return verifier;
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
