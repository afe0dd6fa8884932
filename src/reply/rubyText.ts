// Helpers that reproduce Ruby (Onigmo) string and regex semantics the trimmer relies on,
// so the port classifies lines exactly as the gem does.

/** Ruby `[[:blank:]]` contents: Unicode space separators and tab. */
export const BLANK = '\\p{Zs}\\t';
/** Ruby `[[:space:]]` contents (Unicode White_Space). */
export const SPACE = '\\t\\n\\v\\f\\r\\p{Zs}\\u0085\\u2028\\u2029';
/** Ruby `\s` (ASCII only, unlike JS `\s`). */
export const RS = '[ \\t\\n\\v\\f\\r]';
/** Ruby `[[:word:]]` contents. */
export const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
/** Ruby `\b`: Onigmo word boundaries are Unicode-aware even though `\w` is ASCII. */
export const UB = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
/** Ruby `^` and `$`: line anchors around "\n" only (JS `m` also breaks on \r, U+2028/9). */
export const LS = '(?<![^\\n])';
export const LE = '(?![^\\n])';
/** Ruby `.` without /m. */
export const DOT = '[^\\n]';

const STRIPPED = '\t\n\v\f\r ';

/**
 * Ruby String#strip: ASCII whitespace only (and trailing NULs), so NBSP and other Unicode
 * spaces survive. A loop, because /\s+$/ is quadratic on long whitespace runs.
 */
export function rubyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && STRIPPED.includes(s[start])) start += 1;
  while (end > start && (STRIPPED.includes(s[end - 1]) || s[end - 1] === '\0')) end -= 1;
  return s.slice(start, end);
}

/** Ruby `split("\n")`: trailing empty fields are dropped. */
export function rubySplitLines(s: string): string[] {
  const parts = s.split('\n');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const BLANK_TEXT = new RegExp(`^[${SPACE}]*$`, 'u');

/** True when the text is empty or only Unicode whitespace (Ruby `\A[[:space:]]*\z`). */
export function isBlank(s: string): boolean {
  return BLANK_TEXT.test(s);
}
