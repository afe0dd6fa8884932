import type { AuthResults } from './results.js';

/**
 * Our `Authentication-Results` field (RFC 8601), written from the stored results so the header
 * and the trace can never disagree. Every value is reduced to printable ASCII and quoted when
 * it is not a plain token, so nothing a sender chose can break out of the field.
 */
export function authenticationResultsHeader(authservId: string, results: AuthResults): Buffer {
  const { spf, dkim, dmarc, arc, client } = results;
  const comment = results.error ? ` (${text(results.error)})` : '';
  const methods = [
    `spf=${spf.result}${comment}${property('smtp.mailfrom', client.mailFrom || undefined)}${property('smtp.helo', client.helo)}`,
    ...(dkim.length === 0
      ? [`dkim=${results.error ? 'temperror' : 'none'}`]
      : dkim.map((s) => `dkim=${s.result}${property('header.d', s.domain)}${property('header.s', s.selector)}`)),
    `dmarc=${dmarc.result}${dmarc.policy ? ` (p=${text(dmarc.policy)})` : ''}${property('header.from', results.fromDomain)}`,
    `arc=${arc.result}`,
  ];
  return Buffer.from(`Authentication-Results: ${text(authservId)};\r\n\t${methods.join(';\r\n\t')}\r\n`);
}

function property(name: string, value: string | undefined): string {
  if (!value) return '';
  const clean = text(value);
  return ` ${name}=${/^[A-Za-z0-9.@_+-]+$/.test(clean) ? clean : `"${clean.replace(/["\\]/g, '')}"`}`;
}

function text(value: string): string {
  return value
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/[()]/g, '')
    .slice(0, 255);
}

const AUTHENTICATION_RESULTS = /^authentication-results$/i;

/**
 * RFC 8601 §5: a field that claims our authserv-id but was not written by us is a forgery and
 * is removed before we add ours. `head` is the header block as received (CRLF line ends);
 * answers the block without those fields, or undefined when there is none to remove.
 */
export function withoutClaimedResults(head: string, authservId: string): string | undefined {
  const fields = head.split(/\r\n(?![ \t])/);
  const kept = fields.filter((field) => {
    const colon = field.indexOf(':');
    if (colon <= 0 || !AUTHENTICATION_RESULTS.test(field.slice(0, colon).trim())) return true;
    return claimedId(field.slice(colon + 1)) !== authservId.toLowerCase();
  });
  return kept.length === fields.length ? undefined : kept.join('\r\n');
}

/** The authserv-id: the first token of the value, after any comments and folding. */
export function claimedId(value: string): string {
  const unfolded = value.replace(/\r\n/g, '');
  let depth = 0;
  let id = '';
  for (const char of unfolded) {
    if (char === '(') depth++;
    else if (char === ')' && depth > 0) depth--;
    else if (depth === 0) {
      if (char === ';' || ((char === ' ' || char === '\t') && id)) break;
      if (char !== ' ' && char !== '\t') id += char;
    }
  }
  return id.replace(/"/g, '').toLowerCase();
}
