// Helpers that reproduce Ruby (Onigmo) string and regex semantics the trimmer relies on,
// so the port classifies lines exactly as the gem does.

/** Ruby `[[:blank:]]` contents: Unicode space separators and tab. */
export const BLANK = "\\p{Zs}\\t";
/** Ruby `[[:space:]]` contents (Unicode White_Space). */
export const SPACE = "\\t\\n\\v\\f\\r\\p{Zs}\\u0085\\u2028\\u2029";
/** Ruby `\s` (ASCII only, unlike JS `\s`). */
export const RS = "[ \\t\\n\\v\\f\\r]";
/** Ruby `[[:word:]]` contents. */
export const WORD = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";
/** Ruby `\b`: Onigmo word boundaries are Unicode-aware even though `\w` is ASCII. */
export const UB = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
/** Ruby `^` and `$`: line anchors around "\n" only (JS `m` also breaks on \r, U+2028/9). */
export const LS = "(?<![^\\n])";
export const LE = "(?![^\\n])";
/** Ruby `.` without /m. */
export const DOT = "[^\\n]";

const RUBY_STRIP_LEAD = /^[\t\n\v\f\r ]+/;
const RUBY_STRIP_TRAIL = /[\t\n\v\f\r \0]+$/;

/** Ruby String#strip: ASCII whitespace only, so NBSP and other Unicode spaces survive. */
export function rubyStrip(s: string): string {
  return s.replace(RUBY_STRIP_LEAD, "").replace(RUBY_STRIP_TRAIL, "");
}

/** Ruby `split("\n")`: trailing empty fields are dropped. */
export function rubySplitLines(s: string): string[] {
  const parts = s.split("\n");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const BLANK_TEXT = new RegExp(`^[${SPACE}]*$`, "u");

/** True when the text is empty or only Unicode whitespace (Ruby `\A[[:space:]]*\z`). */
export function isBlank(s: string): boolean {
  return BLANK_TEXT.test(s);
}
