// Joins "On <date>, <someone>\nwrote:" markers that a client wrapped over lines (unless the
// match spans more than 4 line breaks), as the gem's preprocessing does with gsub.
import {
  DATE_SOMEONE_EMAIL,
  DATE_SOMEONE_WROTE,
  ON_DATE_SPECS,
  type OnDateSpec,
  SOMEONE_WROTE_ON_DATE,
  onDateParts,
} from './embeddedMarkers.js';
import { replaceNearMarker } from './nearMarker.js';
import { SPACE } from './rubyText.js';

const BREAKS = new RegExp(`\\n+[${SPACE}]*`, 'gu');

function joinLines(match: string): string {
  let breaks = 0;
  for (const c of match) if (c === '\n') breaks += 1;
  return breaks > 4 ? match : match.replace(BREAKS, ' ');
}

const scanners = new Map<OnDateSpec, { opener: RegExp; stop: RegExp; event: RegExp }>();

/** The scan's regexes, compiled once per spec (each use sets lastIndex first). */
function onDateScanner(spec: OnDateSpec): { opener: RegExp; stop: RegExp; event: RegExp } {
  let scanner = scanners.get(spec);
  if (!scanner) {
    const parts = onDateParts(spec);
    // Verb first: at one position the regex tries the verb before testing for a stop word.
    scanner = {
      opener: new RegExp(parts.opener, 'iuy'),
      stop: new RegExp(parts.stop, 'iuy'),
      event: new RegExp(`(${parts.verb})|${parts.stop}`, 'giu'),
    };
    scanners.set(spec, scanner);
  }
  return scanner;
}

/**
 * gsub of /^LEAD opener (?:(?!stop).)+? verb TAIL$/im, scanned by hand. The lazy scan from a
 * candidate ends at the first position where the verb fits (success) or a stop word starts
 * (failure); both depend only on the position. So once a scan fails at a stop word, every
 * candidate whose scan would begin before that point fails there too and is skipped, where
 * the regex engine would rescan (quadratic for many "At …" lines).
 */
function joinOnDate(text: string, spec: OnDateSpec): string {
  const { opener, stop, event } = onDateScanner(spec);

  let out = '';
  let copied = 0;
  let failedBefore = -1;
  for (let line = 0; line < text.length; line = text.indexOf('\n', line) + 1 || text.length) {
    if (line < copied) continue;
    opener.lastIndex = line;
    const open = opener.exec(text);
    if (!open) continue;
    const first = line + open[0].length;
    stop.lastIndex = first;
    if (first < failedBefore || first >= text.length || stop.test(text)) continue;
    event.lastIndex = first + 1;
    const hit = event.exec(text);
    if (hit && hit[1] !== undefined) {
      const end = hit.index + hit[1].length;
      out += text.slice(copied, line) + joinLines(text.slice(line, end));
      copied = end;
    } else {
      failedBefore = hit ? hit.index : text.length;
    }
  }
  return out + text.slice(copied);
}

/** gsub of a regex that must end at a ":"; text after the last colon cannot take part. */
function joinEndingInColon(text: string, re: RegExp): string {
  const end = text.lastIndexOf(':') + 1;
  if (end === 0) return text;
  const global = new RegExp(re.source, `${re.flags}g`);
  return text.slice(0, end).replace(global, joinLines) + text.slice(end);
}

export function joinWrappedMarkers(input: string): string {
  let text = input;
  for (const spec of ON_DATE_SPECS) text = joinOnDate(text, spec);
  for (const re of SOMEONE_WROTE_ON_DATE) text = joinEndingInColon(text, re);
  for (const spec of DATE_SOMEONE_WROTE) text = replaceNearMarker(text, spec, joinLines);
  return replaceNearMarker(text, DATE_SOMEONE_EMAIL, joinLines);
}
