import headerParser, { type ParsedMethod } from 'mailauth/lib/parse-dkim-headers.js';
import { getAlignment } from 'mailauth/lib/tools.js';
import type { RawHeader } from '../address/index.js';
import { addressesIn } from '../message/headers.js';
import { claimedId } from './header.js';
import type { AuthResult, AuthResults } from './results.js';

/** The name under which a field without an authserv-id is trusted: Exchange Online writes them so. */
const EXCHANGE_ONLINE = 'exchange-online';

const WORDS: readonly string[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy'];

/**
 * What the mailbox provider found, for mail we fetched instead of receiving: its
 * Authentication-Results field (RFC 8601) read into our results. Only the topmost field with a
 * trusted authserv-id counts: the provider's MX adds its field above everything the sender wrote,
 * so a field further down, whatever id it claims, may be the sender's own. Fields with other ids
 * are skipped (hops inside the provider may add their own). Undefined when there is no such field.
 */
export function upstreamResults(
  fields: readonly RawHeader[],
  trustedIds: readonly string[],
  mailFrom: string,
): AuthResults | undefined {
  if (trustedIds.length === 0) return undefined;
  const trusted = new Set(trustedIds.map((id) => id.toLowerCase()));
  const field = fields.find((f) => trusted.has(authservIdOf(f)) && /^authentication-results$/i.test(f.name));
  return field && resultsOf(field.value, authservIdOf(field), fields, mailFrom);
}

function authservIdOf(field: RawHeader): string {
  const id = claimedId(field.value);
  return id.includes('=') ? EXCHANGE_ONLINE : id;
}

function resultsOf(value: string, authservId: string, fields: readonly RawHeader[], mailFrom: string): AuthResults {
  const parsed = headerParser(`Authentication-Results: ${value}`).parsed;
  const method = (name: string) => parsed[name] as ParsedMethod | undefined;
  const spf = method('spf');
  const dmarc = method('dmarc');
  const dmarcDomain = domainOf(property(dmarc, 'header', 'from'));
  const fromDomain = dmarcDomain ?? singleFromDomain(fields);
  return {
    spf: { result: word(spf), domain: domainOf(property(spf, 'smtp', 'mailfrom') ?? property(spf, 'smtp', 'helo')) },
    dkim: (parsed.dkim ?? []).map((signature) => {
      const domain = domainOf(property(signature, 'header', 'd') ?? property(signature, 'header', 'i'));
      return {
        result: word(signature),
        domain,
        selector: property(signature, 'header', 's'),
        aligned: Boolean(domain && fromDomain && getAlignment(fromDomain, [domain], false)),
      };
    }),
    dmarc: { result: word(dmarc), domain: dmarcDomain },
    arc: { result: word(method('arc')) },
    fromDomain,
    client: { mailFrom },
    upstream: authservId,
  };
}

/** A result word we know, else `none`: a provider's own word (`bestguesspass`) proves nothing. */
function word(method: ParsedMethod | undefined): AuthResult {
  const value = method?.value.toLowerCase();
  if (value === 'hardfail') return 'fail';
  return value && WORDS.includes(value) ? (value as AuthResult) : 'none';
}

function property(method: ParsedMethod | undefined, ptype: string, name: string): string | undefined {
  const values = method?.[ptype];
  const found = typeof values === 'object' ? values[name] : undefined;
  return found ? found.replace(/^"|"$/g, '') : undefined;
}

/** The domain of `bob@example.net`, `@example.net` or `example.net`, lowercased. */
function domainOf(value: string | undefined): string | undefined {
  const domain = value?.slice(value.lastIndexOf('@') + 1).toLowerCase();
  // Microsoft writes `header.d=none` for an unsigned message.
  return domain && domain !== 'none' ? domain : undefined;
}

function singleFromDomain(fields: readonly RawHeader[]): string | undefined {
  const from = fields.filter((f) => f.name.toLowerCase() === 'from');
  const addresses = from.length === 1 ? addressesIn(from[0].value) : [];
  return addresses.length === 1 ? domainOf(addresses[0]) : undefined;
}
