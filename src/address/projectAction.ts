import type { ProjectById } from './target.js';

// Hand-written equivalents of GitLab's `(?<slug>.+)-(?<id>\d+)` forms. A greedy slug means the
// split is the rightmost one that works; scanning the dashes from the right does that in one pass.

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** End (exclusive) of the run of ASCII digits starting at `from`. */
function digitsEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
  return end;
}

/** Start of the run of ASCII digits that ends the text (the text's length when there is none). */
export function trailingDigitsStart(text: string): number {
  let start = text.length;
  while (start > 0 && isDigit(text.charCodeAt(start - 1))) start -= 1;
  return start;
}

function project(text: string, dash: number, idEnd: number): ProjectById {
  return { by: 'id', slug: text.slice(0, dash), id: Number(text.slice(dash + 1, idEnd)) };
}

/** `<slug>-<id>` with nothing after the id. */
export function splitSlugAndId(text: string): ProjectById | null {
  const dash = text.lastIndexOf('-');
  if (dash < 1 || dash === text.length - 1) return null;
  return digitsEnd(text, dash + 1) === text.length ? project(text, dash, text.length) : null;
}

/** `<slug>-<id>-<rest>`, rest non-empty; the slug takes as much as it can, as GitLab's does. */
export function splitSlugIdAndRest(text: string): { project: ProjectById; rest: string } | null {
  for (let dash = text.lastIndexOf('-'); dash >= 1; dash = text.lastIndexOf('-', dash - 1)) {
    const idEnd = digitsEnd(text, dash + 1);
    if (idEnd > dash + 1 && text[idEnd] === '-' && idEnd + 1 < text.length) {
      return { project: project(text, dash, idEnd), rest: text.slice(idEnd + 1) };
    }
  }
  return null;
}

/** Strip a fixed ending; null when absent. */
export function withoutSuffix(text: string, suffix: string): string | null {
  return text.endsWith(suffix) ? text.slice(0, text.length - suffix.length) : null;
}
