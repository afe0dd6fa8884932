// A TypeScript port of the behaviour of Discourse's EmailReplyTrimmer 0.2.0: each line is
// classified into one letter, and rules written as regexes over that letter string decide
// which lines are the reply and which are quoted/forwarded material.
import { type Budget, UNLIMITED } from './budget.js';
import { isEmbeddedMarkerLine } from './embeddedMarkers.js';
import { isDelimiterLine, isEmailHeaderLine, isEmptyLine, isQuoteLine, isSignatureLine } from './lineMatchers.js';
import {
  markerThenQuote,
  markerWithoutQuoteStart,
  replyAtEndStart,
  trailingEmptyOrQuoteStart,
  trailingQuoteStart,
  wrappedHeaders,
} from './patternRules.js';
import { preprocess } from './preprocess.js';
import { isBlank, rubySplitLines, rubyStrip } from './rubyText.js';

export type LineKind = 'e' | 'd' | 's' | 'b' | 'h' | 'q' | 't';

export function classifyLine(line: string): LineKind {
  if (isEmptyLine(line)) return 'e';
  if (isDelimiterLine(line)) return 'd';
  if (isSignatureLine(line)) return 's';
  if (isEmbeddedMarkerLine(line)) return 'b';
  if (isEmailHeaderLine(line)) return 'h';
  if (isQuoteLine(line)) return 'q';
  return 't';
}

const CODE_BLOCK = /(?<![^\n])```\w*(?![^\n])\n[\s\S]*?(?<![^\n])```(?![^\n])/g;

/** Fenced code blocks are set aside so their lines are never classified or cut. */
function hoistCodeBlocks(text: string): [string, Map<string, string>] {
  const blocks = new Map<string, string>();
  const hoisted = text.replace(CODE_BLOCK, (block) => {
    // A random hex word, like the gem's: classified as text and never in real input.
    const token = Array.from({ length: 4 }, () => Math.random().toString(16).slice(2, 10).padEnd(8, '0')).join('');
    blocks.set(token, block);
    return token;
  });
  return [hoisted, blocks];
}

function restoreCodeBlocks(text: string, blocks: Map<string, string>): string {
  let out = text;
  for (const [token, block] of blocks) out = out.split(token).join(block);
  return out;
}

/** Mutable pair kept in step: one class letter per line. */
class Classified {
  constructor(
    public pattern: string,
    public lines: string[],
  ) {}

  /** Keep everything before `index`. */
  cutBefore(index: number): void {
    this.pattern = this.pattern.slice(0, index);
    this.lines = this.lines.slice(0, index);
  }

  /** Keep everything up to and including `index`. */
  cutAfter(index: number): void {
    this.cutBefore(index + 1);
  }

  removeAll(kind: LineKind): void {
    // After "reply at end" the pattern is emptied while lines remain; nothing to remove then.
    if (!this.pattern.includes(kind)) return;
    const keep = [...this.pattern].map((k) => k !== kind);
    this.lines = this.lines.filter((_, i) => keep[i]);
    this.pattern = this.pattern.split(kind).join('');
  }
}

function applyRules(c: Classified): void {
  const delimiter = c.pattern.indexOf('d');
  if (delimiter >= 0) c.cutBefore(delimiter);

  c.removeAll('s');

  // Reply written below the quote: keep only the trailing text.
  if (/^b[^t]+t[et]*$/.test(c.pattern)) {
    c.lines = c.lines.slice(replyAtEndStart(c.pattern));
    c.pattern = '';
  }

  // Text, then an embedded-email marker that no quote follows.
  let at = markerWithoutQuoteStart(c.pattern);
  if (at >= 0) c.cutAfter(at);

  // Text, then a marker followed by a big quote and fewer than 7 more text lines.
  const quoted = markerThenQuote(c.pattern);
  if (quoted && [...quoted.tail].filter((k) => k === 't').length < 7) c.cutAfter(quoted.index);

  // Text before a quote or marker block that ends the email.
  at = trailingQuoteStart(c.pattern);
  if (at >= 0) c.cutAfter(at);

  c.removeAll('b');

  // Headers wrapped over several lines count as one header block.
  const wrapped = wrappedHeaders(c.pattern);
  if (wrapped) {
    const [start, end] = wrapped;
    c.pattern = c.pattern.slice(0, start) + 'h'.repeat(end - start) + c.pattern.slice(end);
  }

  // Three or more headers after text start a forwarded/quoted email.
  at = c.pattern.search(/t[eq]*h{3,}/);
  if (at >= 0) c.cutAfter(at);

  c.removeAll('h');

  if (c.pattern.includes('t')) {
    at = trailingEmptyOrQuoteStart(c.pattern);
    if (at >= 0) c.cutBefore(at);
  }
}

/** The lines of `original` that did not survive into `kept`, in order (the gem's walk). */
function elidedLines(original: string[], kept: string[]): string {
  const elided: string[] = [];
  let l = 0;
  for (let t = 0; t < original.length; t += 1) {
    while (l < kept.length && t < original.length && original[t] === kept[l]) {
      t += 1;
      l += 1;
    }
    elided.push(original[t] ?? '');
  }
  return rubyStrip(elided.join('\n'));
}

export type TrimResult = { trimmed: string; elided: string };

/** Trims a reply; null for blank input (the gem returns nil). */
export function trimReplySplit(text: string, budget: Budget = UNLIMITED): TrimResult | null {
  if (isBlank(text)) return null;
  const [hoisted, blocks] = hoistCodeBlocks(preprocess(text));
  const lines = rubySplitLines(hoisted);
  const kinds = lines.map((line) => {
    budget.check();
    return classifyLine(line);
  });
  const c = new Classified(kinds.join(''), lines);
  applyRules(c);
  return {
    trimmed: restoreCodeBlocks(rubyStrip(c.lines.join('\n')), blocks),
    elided: restoreCodeBlocks(elidedLines(lines, c.lines), blocks),
  };
}
