import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { RawHeader } from '../address/index.js';

const HEADER_LIMIT_BYTES = 256 * 1024;
// A header block worth rewriting or reading on its own is found within this many bytes.
export const HEAD_SCAN_BYTES = 64 * 1024;

/**
 * The header fields of a raw message in order, each value unfolded but otherwise as sent. Like
 * the mail gem, blank lines before the first field are skipped; the block ends at the first
 * empty line. Decoded as UTF-8: headers are ASCII or, with SMTPUTF8, UTF-8.
 */
export function readHeaderFields(raw: Buffer): RawHeader[] {
  let start = 0;
  while (
    start < raw.length &&
    (raw[start] === 0x0d || raw[start] === 0x0a || raw[start] === 0x20 || raw[start] === 0x09)
  )
    start++;
  // The header block ends at the first empty line; no sane one is longer than this.
  const head = raw.subarray(start, start + HEADER_LIMIT_BYTES);
  const ends = [head.indexOf('\r\n\r\n'), head.indexOf('\n\n')].filter((i) => i >= 0);
  const block = head.subarray(0, ends.length ? Math.min(...ends) : head.length).toString('utf8');
  const fields: RawHeader[] = [];
  for (const line of block.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({
      name: line.slice(0, colon).trim(),
      value: line
        .slice(colon + 1)
        .replace(/\r?\n(?=[ \t])/g, '')
        .trim(),
    });
  }
  return fields;
}

/** The first field of that name (the topmost, which is the newest for trace fields). */
export function firstField(fields: readonly RawHeader[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === wanted)?.value;
}

/** The first `<id>` of a Message-ID or In-Reply-To field, brackets kept. */
export function messageIdOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /<[^<>\s]+>/.exec(value)?.[0] ?? (value.trim().slice(0, 998) || undefined);
}

type ParsedAddress = { address?: string; group?: ParsedAddress[] };

/**
 * The addresses of an address-list field (From, To, Cc, Reply-To), groups flattened. The field is
 * parsed as sent, before any encoded word is decoded, as mail clients do: a display name such
 * as `=?utf-8?Q?Bob_=3Cbob=40example.net=3E?=` stays a name and can never become the address.
 */
export function addressesIn(value: string): string[] {
  const walk = (entries: ParsedAddress[]): string[] =>
    entries.flatMap((e) => (e.group ? walk(e.group) : e.address ? [e.address] : []));
  return walk(addressparser(value) as ParsedAddress[]);
}
