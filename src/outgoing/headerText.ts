/** Long enough for any real subject or name; a 300 KB Subject must not come back as a 262 KB one. */
export const MAX_HEADER_TEXT = 250;

// C0 and C1 controls and DEL: nothing a person types, and CR/LF would start a new header.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * A header value that came (or may have come) from incoming mail, made fit to store and send:
 * controls become spaces, runs of spaces one, and it is cut to `max` characters (never inside a
 * surrogate pair), with an ellipsis to say so. Lengths count characters, not UTF-16 units.
 */
export function headerText(value: string, max: number = MAX_HEADER_TEXT): string {
  // Bounded before the regexes run (two code units per character at most): their cost stays
  // proportional to what is kept.
  const clean = value
    .slice(0, max * 2 + 1)
    .replace(CONTROLS, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  const characters = Array.from(clean);
  if (characters.length <= max && value.length <= max * 2) return clean;
  return `${characters
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
