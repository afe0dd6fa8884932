// Rewrites "enclosed" quote blocks into ordinary "> " lines:
//   >>> name >>>            >>>>
//   quoted text      and    quoted text
//   <<< name <<<            <<<<
// Done line by line (instead of one backtracking regex over the whole text) so that
// many unmatched openers cannot make the work quadratic.
import { BLANK } from './rubyText.js';

const BARE_OPENER = new RegExp(`^>{4,}[${BLANK}]*$`, 'u');
const BARE_CLOSER = new RegExp(`^<{4,}[${BLANK}]*$`, 'u');

/** Names an opener line can stand for, in the order the gem's regex would try them. */
function openerNames(line: string): string[] {
  if (line.length < 7 || !line.startsWith('>>>') || !line.endsWith('>>>')) return [];
  const names: string[] = [];
  for (const headSpace of [true, false]) {
    let body = line.slice(3, -3);
    if (headSpace) {
      if (!body.startsWith(' ')) continue;
      body = body.slice(1);
    }
    // Greedy name first (keeps a trailing space), then without it.
    names.push(body);
    if (body.endsWith(' ')) names.push(body.slice(0, -1));
  }
  return names.filter((n) => n.length > 0);
}

/** Names a closer line can match ("<<< ?NAME ?<<<"), as a set for lookup. */
function closerNames(line: string): string[] {
  if (line.length < 7 || !line.startsWith('<<<') || !line.endsWith('<<<')) return [];
  const body = line.slice(3, -3);
  const heads = body.startsWith(' ') ? [body, body.slice(1)] : [body];
  const names: string[] = [];
  for (const h of heads) {
    names.push(h);
    if (h.endsWith(' ')) names.push(h.slice(0, -1));
  }
  return names;
}

/** Ruby's `gsub(/^/, "> ")`: no prefix after a final newline. */
function quoteLines(lines: string[]): string[] {
  return lines.map((l, i) => (i === lines.length - 1 && l === '' && lines.length > 1 ? l : `> ${l}`));
}

/** The block between opener i and closer j must hold at least one character. */
function hasContent(lines: string[], i: number, j: number): boolean {
  return j >= i + 3 || (j === i + 2 && lines[i + 1] !== '');
}

function rewrite(lines: string[], findCloser: (i: number) => number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const j = findCloser(i);
    if (j < 0) {
      out.push(lines[i]);
      i += 1;
      continue;
    }
    for (const quoted of quoteLines(lines.slice(i + 1, j))) out.push(quoted);
    i = j + 1;
  }
  return out;
}

/** First closer index after opener i with content in between (binary search keeps it linear-ish). */
function firstAfter(sorted: number[] | undefined, i: number, lines: string[]): number {
  if (!sorted) return -1;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= i) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < sorted.length && k < lo + 3; k += 1) if (hasContent(lines, i, sorted[k])) return sorted[k];
  return -1;
}

export function rewriteEnclosedQuotes(text: string): string {
  if (!text.includes('>>>')) return text;
  let lines = text.split('\n');

  const closers = new Map<string, number[]>();
  lines.forEach((l, j) => {
    for (const name of closerNames(l)) {
      const list = closers.get(name) ?? [];
      list.push(j);
      closers.set(name, list);
    }
  });
  lines = rewrite(lines, (i) => {
    for (const name of openerNames(lines[i])) {
      const j = firstAfter(closers.get(name), i, lines);
      if (j >= 0) return j;
    }
    return -1;
  });

  const bare: number[] = [];
  lines.forEach((l, j) => BARE_CLOSER.test(l) && bare.push(j));
  let next = 0;
  lines = rewrite(lines, (i) => {
    if (!BARE_OPENER.test(lines[i])) return -1;
    while (next < bare.length && bare[next] <= i) next += 1;
    for (let k = next; k < bare.length; k += 1) if (hasContent(lines, i, bare[k])) return bare[k];
    return -1;
  });
  return lines.join('\n');
}
