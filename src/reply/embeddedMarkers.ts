// Lines that introduce an embedded (quoted or forwarded) email, in several languages.
// Same coverage as EmailReplyTrimmer's EmbeddedEmailMatcher; written with Ruby anchors
// (LS/LE) so the multi-line "On … wrote:" forms also work on whole texts in preprocessing.
import { type NearMarkerSpec, nextNearMarker } from './nearMarker.js';
import { BLANK, DOT, LE, LS, RS, SPACE, UB, WORD } from './rubyText.js';

const ANY = '[\\s\\S]';
const LEAD = `${LS}[${BLANK}<>-]*`;
const TAIL = `[${BLANK}.:>-]*${LE}`;

export type OnDateSpec = { opener: string; stop: string; verb: string };

// Opener, words that stop the lazy scan, verb (per language).
export const ON_DATE_SPECS: OnDateSpec[] = [
  { opener: '在', stop: '在|写道', verb: '写道' },
  {
    opener: 'Op',
    stop: `Op|het${RS}volgende${RS}geschreven|schreef`,
    verb: `(?:het${RS}volgende${RS}geschreven|schreef[^:]+)`,
  },
  { opener: 'In message', stop: 'In message|writes', verb: 'writes' },
  { opener: '(?:On|At)', stop: 'On|wrote|writes|says|said', verb: '(?:wrote|writes|says|said)' },
  { opener: 'Le', stop: `Le|nous${RS}a${RS}dit|a${RS}+écrit`, verb: `(?:nous${RS}a${RS}dit|a${RS}+écrit)` },
  { opener: 'Am', stop: `Am|schrieben${RS}Sie`, verb: `schrieben${RS}Sie` },
  { opener: 'Am', stop: 'Am|geschrieben', verb: '(?:geschrieben|schrieb[^:]+)' },
  { opener: 'Il', stop: `Il|ha${RS}scritto`, verb: `ha${RS}scritto` },
  { opener: '(?:Dnia|Dňa)', stop: 'Dnia|Dňa|napisał', verb: 'napisał(?:\\(a\\))?' },
  { opener: 'Em', stop: 'Em|escreveu', verb: 'escreveu' },
  { opener: 'El', stop: 'El|escribió', verb: 'escribió' },
];

/** Pieces of an "On … wrote:" regex, shared with the wrapped-marker scanner. */
export const onDateParts = (spec: OnDateSpec) => ({
  opener: `${LEAD}${spec.opener} `,
  stop: `${UB}(?:${spec.stop})${UB}`,
  verb: `${spec.verb}${TAIL}`,
});

const ON_DATE_SOMEONE_WROTE: RegExp[] = ON_DATE_SPECS.map((spec) => {
  const p = onDateParts(spec);
  return new RegExp(`${p.opener}(?:(?!${p.stop})${ANY})+?${p.verb}`, 'iu');
});

// "Am 18.09.2013 um 16:24 schrieb someone <x@y>:" — date first, then verb, then someone.
const ON_DATE_WROTE_SOMEONE: RegExp[] = [
  ['Op', 'schreef'],
  ['Am', 'schrieb'],
  ['Den', 'skrev'],
  ['søn\\.', 'skrev'],
].map(([on, wrote]) => new RegExp(`${LS}[${BLANK}>]*${on}${RS}${DOT}+${RS}${wrote}${RS}[^:]+:`, 'u'));

// "23 mar 2017 21:25 "Someone" <x@y> napisał(a):" — may wrap onto a second line.
export const DATE_SOMEONE_WROTE: NearMarkerSpec[] = [
  {
    re: new RegExp(`\\d{4}${DOT}{1,80}пользователь${DOT}{0,80}\\n?${DOT}{0,80}?написал:`, 'uy'),
    anchor: /написал:/gu,
    lead: 4 + 80 + 12 + 80 + 1 + 80,
  },
  {
    re: new RegExp(`\\d{4}${DOT}{1,80}\\n?${DOT}{0,80}?napisał\\(a\\):`, 'uy'),
    anchor: /napisał\(a\):/gu,
    lead: 4 + 80 + 1 + 80,
  },
  { re: new RegExp(`\\d{4}${DOT}{1,80}\\n?${DOT}{0,80}?пише:`, 'uy'), anchor: /пише:/gu, lead: 4 + 80 + 1 + 80 },
];

// "Max Mustermann <x@y> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:"
export const SOMEONE_WROTE_ON_DATE: RegExp[] = [
  new RegExp(`${LS}${DOT}+${UB}wrote${UB}[${SPACE}]+${UB}on${UB}${DOT}+[^:]+:`, 'u'),
  new RegExp(`${LS}${DOT}+${UB}schrieb${UB}[${SPACE}]+${UB}am${UB}${DOT}+[^:]+:`, 'u'),
];

// "2015-10-18 0:17 GMT+03:00 Someone <x@y>:" and "2013/10/2 someone <x@y>"
export const DATE_SOMEONE_EMAIL: NearMarkerSpec = {
  re: new RegExp(`\\d{4}${DOT}{1,80}${RS}?<[^@<>]+@[^@<>.]+\\.[^@<>]+>:?${LE}`, 'uy'),
  anchor: /</g,
  lead: 4 + 80 + 1,
};

const OTHER_MARKERS: RegExp[] = [
  // 2016-03-03 17:21 GMT+01:00 Some One
  new RegExp(`${LS}[${BLANK}>]*20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d GMT\\+\\d\\d:\\d\\d [\\w${BLANK}]+${LE}`, 'u'),
  // Posted by someone on 01/21/2016
  new RegExp(`${LS}[${BLANK}>]*Posted by ${DOT}+ on \\d{2}\\/\\d{2}\\/\\d{4}${LE}`, 'iu'),
  // Forwarded / original message separators
  new RegExp(`${LS}[${BLANK}>]*Begin forwarded message:`, 'iu'),
  new RegExp(`${LS}[${BLANK}>*]*-{2,}[${BLANK}]*(?:Forwarded|Original|Reply) Message[${BLANK}]*-{2,}`, 'iu'),
  new RegExp(`${LS}[${BLANK}>]*Début du message transféré :`, 'iu'),
  new RegExp(`${LS}[${BLANK}>*]*-{2,}[${BLANK}]*Message transféré[${BLANK}]*-{2,}`, 'iu'),
  new RegExp(`${LS}[${BLANK}>*]*-{2,}[${BLANK}]*Ursprüngliche Nachricht[${BLANK}]*-{2,}`, 'iu'),
  new RegExp(`${LS}[${BLANK}>*]*-{2,}[${BLANK}]*Mensaje original[${BLANK}]*-{2,}`, 'iu'),
  new RegExp(`${LS}[${BLANK}>*]*-{2,}[${BLANK}]*原始邮件[${BLANK}]*-{2,}`, 'iu'),
];

// The next three are the gem's regexes rewritten as direct checks with the same result,
// because their nested `.+` backtrack quadratically on long lines.

/** /^.+ via .+ (wrote|schrieb):?[[:blank:]]*$/ — "codinghorror via Discourse Meta wrote:" */
function someoneViaSomethingWrote(line: string): boolean {
  const tail = /(?: wrote| schrieb):?[\p{Zs}\t]*$/u.exec(line);
  if (!tail) return false;
  const via = line.indexOf(' via ', 1);
  return via >= 1 && via + 6 <= tail.index;
}

const EMAIL_LOCAL = /[\w.+-]/;
const EMAIL_DOMAIN_THEN_TEXT = new RegExp(`@[\\w.-]+\\.\\w{2,}${UB}[\\s\\S]`, 'uy');
const WORD_CHAR = new RegExp(`[${WORD}]`, 'u');
const wordAt = (s: string, i: number): boolean => i >= 0 && i < s.length && WORD_CHAR.test(s[i]);

/** /^.+\b[\w.+-]+@[\w.-]+\.\w{2,}\b.+wrote:?$/ — "Some One <x@y.com> wrote:" */
function someoneEmailWrote(line: string): boolean {
  const tail = /wrote:?$/.exec(line);
  if (!tail) return false;
  const beforeVerb = line.slice(0, tail.index);
  for (let at = beforeVerb.indexOf('@'); at >= 0; at = beforeVerb.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && EMAIL_LOCAL.test(beforeVerb[start - 1])) start -= 1;
    let localOk = false;
    for (let i = Math.max(start, 1); i < at && !localOk; i += 1) localOk = wordAt(line, i - 1) !== wordAt(line, i);
    EMAIL_DOMAIN_THEN_TEXT.lastIndex = at;
    if (localOk && EMAIL_DOMAIN_THEN_TEXT.test(beforeVerb)) return true;
  }
  return false;
}

/** Regexes ending in "…[^:]+:" only need the line up to its last colon (keeps them linear). */
function upToLastColon(line: string): string {
  return line.slice(0, line.lastIndexOf(':') + 1);
}

const ENDING_IN_COLON = [...ON_DATE_WROTE_SOMEONE, ...SOMEONE_WROTE_ON_DATE];
const NEAR_MARKERS = [...DATE_SOMEONE_WROTE, DATE_SOMEONE_EMAIL];

export function isEmbeddedMarkerLine(line: string): boolean {
  if (ON_DATE_SOMEONE_WROTE.some((re) => re.test(line))) return true;
  const colonCut = upToLastColon(line);
  if (colonCut && ENDING_IN_COLON.some((re) => re.test(colonCut))) return true;
  if (NEAR_MARKERS.some((spec) => nextNearMarker(line, spec, 0) !== null)) return true;
  if (someoneViaSomethingWrote(line) || someoneEmailWrote(line)) return true;
  return OTHER_MARKERS.some((re) => re.test(line));
}
