// Clean-up the trimmer does before classifying lines (same steps as EmailReplyTrimmer).
// Steps whose regexes would backtrack badly on large input are done with direct scans.
import { rewriteEnclosedQuotes } from './enclosedQuotes.js';
import { BLANK, DOT, LE, LS, RS, rubyStrip } from './rubyText.js';
import { joinWrappedMarkers } from './wrappedMarkers.js';

const PGP_HEADER = new RegExp(`^-----BEGIN PGP SIGNED MESSAGE-----\\n(?:Hash: \\w+)?${RS}+`, 'i');
const PGP_SIG_BEGIN = new RegExp(`${LS}-----BEGIN PGP SIGNATURE-----${LE}`);
const PGP_SIG_END = '\n-----END PGP SIGNATURE-----';
const UNSUBSCRIBE = new RegExp(`${LS}Unsubscribe: ${DOT}+@${DOT}+(?:\\n${DOT}+http:${DOT}+)?${RS}*$`, 'i');
const ALIAS_QUOTE_MARKER = new RegExp(`${LS}${DOT}*>{5} "[^"\\n]+" == ${DOT}+ writes:`, 'g');
const QUOTE_PREFIX = new RegExp(`${LS}(?:[${BLANK}]*\\p{Alphabetic}*[>|])+`, 'gu');
const QUOTE_PREFIX_PART = /\p{Alphabetic}+>|\|/gu;

function removePgpSignature(text: string): string {
  const begin = PGP_SIG_BEGIN.exec(text);
  if (!begin) return text;
  const endAt = text.lastIndexOf(PGP_SIG_END);
  const beginLineEnd = begin.index + begin[0].length;
  if (endAt < beginLineEnd) return text;
  return text.slice(0, begin.index) + text.slice(endAt + PGP_SIG_END.length);
}

/** The unsubscribe footer can only be the last two non-blank lines. */
function removeUnsubscribeFooter(text: string): string {
  let contentEnd = text.length;
  while (contentEnd > 0 && ' \t\n\v\f\r'.includes(text[contentEnd - 1])) contentEnd -= 1;
  const lastBreak = text.lastIndexOf('\n', contentEnd - 1);
  const tailStart = lastBreak <= 0 ? 0 : text.lastIndexOf('\n', lastBreak - 1) + 1;
  const tail = text.slice(tailStart);
  const m = UNSUBSCRIBE.exec(tail);
  if (!m) return text;
  return text.slice(0, tailStart) + tail.slice(0, m.index) + tail.slice(m.index + m[0].length);
}

export function preprocess(input: string): string {
  let text = input.replace(/\r\n/g, '\n');
  text = text.replace(PGP_HEADER, '');
  text = removePgpSignature(text);
  if (/unsubscribe: /i.test(text)) text = removeUnsubscribeFooter(text);
  if (text.includes('>>>>>')) text = text.replace(ALIAS_QUOTE_MARKER, '');
  text = rewriteEnclosedQuotes(text);
  text = text.replace(QUOTE_PREFIX, (prefix) => prefix.replace(QUOTE_PREFIX_PART, '>'));
  text = joinWrappedMarkers(text);
  return rubyStrip(text);
}
