// The trimmer's rules are regexes over the line-class string ("tteqqb…"). Some of them
// backtrack quadratically or worse on long runs of one class (thousands of blank or quoted
// lines), so those are computed here directly, returning the same positions the gem's
// regexes would.

/** Start of the longest suffix made only of `chars`. */
function suffixStart(pattern: string, chars: string): number {
  let i = pattern.length;
  while (i > 0 && chars.includes(pattern[i - 1])) i -= 1;
  return i;
}

/** Leftmost match of /t[et]*$/: first "t" inside the trailing [et] run. */
export function replyAtEndStart(pattern: string): number {
  return pattern.indexOf('t', suffixStart(pattern, 'et'));
}

/** For each "t" followed by e* and then "b": [t index, b index], in order. */
function* textThenMarker(pattern: string): Generator<[number, number]> {
  for (let s = pattern.indexOf('t'); s >= 0; s = pattern.indexOf('t', s + 1)) {
    let p = s + 1;
    while (pattern[p] === 'e') p += 1;
    if (pattern[p] === 'b') yield [s, p];
  }
}

/** Leftmost match of /te*b[^q]*$/. */
export function markerWithoutQuoteStart(pattern: string): number {
  const lastQuote = pattern.lastIndexOf('q');
  for (const [s, p] of textThenMarker(pattern)) if (p > lastQuote) return s;
  return -1;
}

/** Leftmost match of /te*b[eqbh]*([te]*)$/ with its group, or null. */
export function markerThenQuote(pattern: string): { index: number; tail: string } | null {
  const tailRun = suffixStart(pattern, 'te');
  for (const [s, p] of textThenMarker(pattern)) {
    let f = p + 1;
    while (f < pattern.length && 'eqbh'.includes(pattern[f])) f += 1;
    // [eqbh]* is greedy: it stops at `f`, and the rest must be only "t"/"e".
    if (f >= tailRun) return { index: s, tail: pattern.slice(f) };
  }
  return null;
}

/** Leftmost match of /t?e*[qbe]+$/ (equivalently /t?[qbe]+$/). */
export function trailingQuoteStart(pattern: string): number {
  const run = suffixStart(pattern, 'qbe');
  if (run === pattern.length) return -1;
  return run > 0 && pattern[run - 1] === 't' ? run - 1 : run;
}

/** Leftmost match of /h+[hte]+h+e/ as [start, end) or null. */
export function wrappedHeaders(pattern: string): [number, number] | null {
  let i = 0;
  while (i < pattern.length) {
    if (!'hte'.includes(pattern[i])) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < pattern.length && 'hte'.includes(pattern[end])) end += 1;
    const s = pattern.indexOf('h', i);
    if (s >= 0 && s < end) {
      // Greedy [hte]+ makes the match end at the last "he" of the run.
      const he = pattern.lastIndexOf('he', end - 2);
      if (he >= s + 2) return [s, he + 2];
    }
    i = end;
  }
  return null;
}

/** Start of the trailing run of /[eq]+$/, or -1. */
export function trailingEmptyOrQuoteStart(pattern: string): number {
  const run = suffixStart(pattern, 'eq');
  return run === pattern.length ? -1 : run;
}
