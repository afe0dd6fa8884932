// Postroom's reply trimming, for the embedded tracker: keep what the sender wrote, leave out what
// their client quoted or forwarded. A quote is cut on its own (text written below it stays); a
// forwarded or Outlook-style quoted mail, which has no quote marks, ends the reply; a signature
// ends it too. One pass over the lines, each judged by fixed-string scans.
import type { Budget } from './budget.js';
import {
  headerName,
  isDeviceSignature,
  isEmpty,
  isFromHeader,
  isQuote,
  isRule,
  isSeparator,
  isSignatureDelimiter,
  type QuoteHeader,
  mayEndQuoteHeader,
  quoteHeader,
  sameLineQuoteHeader,
  startsWithOpener,
} from './quoteLines.js';
import { rubyStrip } from './rubyText.js';
import type { TrimResult } from './trimmer.js';

/** Lines after a From: header within which a second header makes it a header block. */
const HEADER_BLOCK_WINDOW = 6;
const FENCE = '```';
/** Lines a client may wrap a quote header over, above the one with the verb. */
const WRAPPED_HEADER_LINES = 3;
/** How a line ends that a client broke inside a quote header (`… "Rafael" <`). */
const UNFINISHED = ['<', '('];

/** Splits "… text On <date>, Bob wrote: > old" into the text, the header and the quote. */
function splitSameLineHeaders(lines: string[]): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of lines) {
    if (line.trimStart().startsWith(FENCE)) fenced = !fenced;
    const found = fenced || isQuote(line) ? null : sameLineQuoteHeader(line);
    if (!found) {
      out.push(line);
      continue;
    }
    out.push(line.slice(0, found.start).trimEnd(), line.slice(found.start, found.end));
    const rest = line.slice(found.end).trim();
    if (rest !== '') out.push(rest);
  }
  return out;
}

/** Lines inside fenced code blocks: the sender's own, whatever they look like. */
function fencedLines(lines: string[]): boolean[] {
  let fenced = false;
  return lines.map((line) => {
    const fence = line.trimStart().startsWith(FENCE);
    const inside = fenced || fence;
    if (fence) fenced = !fenced;
    return inside;
  });
}

/** Outlook's "From: / Sent: / To: / Subject:" block: a From-like header and another one close by. */
function isHeaderBlock(lines: string[], at: number): boolean {
  const first = headerName(lines[at]);
  if (first === null) return false;
  let from = isFromHeader(first);
  let others = 0;
  for (let i = at + 1; i < lines.length && i <= at + HEADER_BLOCK_WINDOW; i += 1) {
    const name = headerName(lines[i]);
    if (name === null || name === first) continue;
    others += 1;
    from ||= isFromHeader(name);
  }
  return from && others > 0;
}

function nextNonEmpty(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && isEmpty(lines[i])) i += 1;
  return i;
}

/** The quote header ending at line `at`, alone or wrapped over the lines just above it. */
function quoteHeaderAt(
  lines: string[],
  fenced: boolean[],
  at: number,
): { header: QuoteHeader | null; wrapped: number } {
  if (!mayEndQuoteHeader(lines[at])) return { header: null, wrapped: 0 };
  const alone = quoteHeader(lines[at]);
  if (alone) return { header: alone, wrapped: 0 };
  for (let wrapped = 1; wrapped <= WRAPPED_HEADER_LINES - 1; wrapped += 1) {
    const start = at - wrapped;
    if (start < 0 || fenced[start] || isEmpty(lines[start]) || isQuote(lines[start])) break;
    const header = quoteHeader(lines.slice(start, at + 1).join(' '));
    if (header) return { header, wrapped };
  }
  return { header: null, wrapped: 0 };
}

class Split {
  readonly kept: string[] = [];
  readonly elided: string[] = [];
  /** Set when something was cut since the last kept line, so blank lines do not pile up. */
  private cut = false;

  keep(line: string): void {
    const blankAfterBlank = isEmpty(line) && (this.kept.length === 0 || isEmpty(this.kept[this.kept.length - 1]));
    if (this.cut && blankAfterBlank) return;
    if (!isEmpty(line)) this.cut = false;
    this.kept.push(line);
  }

  /** Takes back the last `count` kept lines (all non-blank, so none was skipped). */
  unkeep(count: number): void {
    this.kept.splice(this.kept.length - count, count);
  }

  rekeep(lines: string[]): void {
    for (const line of lines) this.keep(line);
  }

  elide(lines: string[]): void {
    this.elided.push(...lines);
    this.cut = true;
  }

  /** A rule line just above a cut belongs to what is cut (Outlook draws one above its headers). */
  elideTrailingRule(): void {
    let i = this.kept.length - 1;
    while (i >= 0 && isEmpty(this.kept[i])) i -= 1;
    if (i >= 0 && isRule(this.kept[i])) this.elided.push(...this.kept.splice(i));
  }

  /** "On Sun, Jun 9, 2013 at 1:39 PM, Bob Example" wrapped above the line that ends in "wrote:". */
  elideWrappedHeaderStart(): void {
    const last = this.kept.length - 1;
    if (last >= 0 && UNFINISHED.some((end) => this.kept[last].trimEnd().endsWith(end))) {
      this.elided.push(...this.kept.splice(last));
    }
    for (let i = this.kept.length - 1; i >= 0 && i >= this.kept.length - WRAPPED_HEADER_LINES; i -= 1) {
      if (isEmpty(this.kept[i])) return;
      if (startsWithOpener(this.kept[i].trimStart().toLowerCase())) {
        this.elided.push(...this.kept.splice(i));
        return;
      }
    }
  }

  /** "Sent from my iPhone" at the end of the reply. */
  dropTrailingSignatures(): void {
    for (;;) {
      let i = this.kept.length - 1;
      while (i >= 0 && isEmpty(this.kept[i])) i -= 1;
      if (i < 0 || !isDeviceSignature(this.kept[i])) return;
      this.elided.unshift(...this.kept.splice(i));
    }
  }
}

/** The reply, strictly: quotes, their headers, forwarded mail and signatures cut. */
function strictSplit(lines: string[], fenced: boolean[], budget: Budget): Split {
  const split = new Split();
  let i = 0;
  while (i < lines.length) {
    budget.check();
    const line = lines[i];
    if (fenced[i]) {
      split.keep(line);
      i += 1;
      continue;
    }
    if (isQuote(line)) {
      let end = i + 1;
      for (let next = nextNonEmpty(lines, end); next < lines.length && isQuote(lines[next]) && !fenced[next];) {
        end = next + 1;
        next = nextNonEmpty(lines, end);
      }
      split.elide(lines.slice(i, end));
      i = end;
      continue;
    }
    const { header, wrapped } = quoteHeaderAt(lines, fenced, i);
    if (header) {
      const next = nextNonEmpty(lines, i + 1);
      split.unkeep(wrapped);
      if (next >= lines.length || (isQuote(lines[next]) && !fenced[next])) {
        split.elideWrappedHeaderStart();
        split.elide(lines.slice(i - wrapped, next));
        i = next;
        continue;
      }
      if (header === 'strong') {
        split.elideWrappedHeaderStart();
        split.elideTrailingRule();
        split.elide(lines.slice(i - wrapped));
        break;
      }
      split.rekeep(lines.slice(i - wrapped, i));
    }
    if (isSeparator(line) || isSignatureDelimiter(line) || isHeaderBlock(lines, i)) {
      split.elideTrailingRule();
      split.elide(lines.slice(i));
      break;
    }
    split.keep(line);
    i += 1;
  }
  split.dropTrailingSignatures();
  return split;
}

/** Every line that is not a quote, a quote header or a rule: the fallback that keeps text below a header. */
function lenientSplit(lines: string[], fenced: boolean[]): Split {
  const split = new Split();
  lines.forEach((line, i) => {
    const quoted = !fenced[i] && (isQuote(line) || quoteHeader(line) !== null || isSeparator(line) || isRule(line));
    if (quoted) split.elide([line]);
    else split.keep(line);
  });
  return split;
}

const hasText = (lines: string[]): boolean => lines.some((line) => !isEmpty(line));

/** Trims a reply; null for blank input, like GitLab's trimmer, so both modes end the same way. */
export function trimPostroom(text: string, budget: Budget): TrimResult | null {
  const lines = splitSameLineHeaders(text.replace(/\r\n?/g, '\n').split('\n'));
  if (!hasText(lines)) return null;
  const fenced = fencedLines(lines);
  let split = strictSplit(lines, fenced, budget);
  // Text of the sender's own, written where the strict rules saw only quoted mail.
  if (!hasText(split.kept)) split = lenientSplit(lines, fenced);
  return { trimmed: rubyStrip(split.kept.join('\n')), elided: rubyStrip(split.elided.join('\n')) };
}
