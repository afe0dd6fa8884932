import type { RawHeader } from '../address/index.js';

/**
 * The header fields of a raw message in order, each value unfolded but otherwise as sent. Like
 * the mail gem, blank lines before the first field are skipped; the block ends at the first
 * empty line. Decoded as UTF-8: headers are ASCII or, with SMTPUTF8, UTF-8.
 */
export function readHeaderFields(raw: Buffer): RawHeader[] {
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a || raw[start] === 0x20 || raw[start] === 0x09)) start++;
  const crlfEnd = raw.indexOf('\r\n\r\n', start);
  const lfEnd = raw.indexOf('\n\n', start);
  const ends = [crlfEnd, lfEnd].filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) : raw.length;
  const block = raw.subarray(start, end).toString('utf8');
  const fields: RawHeader[] = [];
  for (const line of block.split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim() });
  }
  return fields;
}
