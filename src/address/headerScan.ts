// Scanners for header values. Each is a single forward pass with no regex backtracking, because
// header values are attacker-controlled and can be long (e.g. `for <<` repeated 100,000 times).

/** Ruby's `\s`: space, tab, line feed, vertical tab, form feed, carriage return. */
function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\v' || char === '\f' || char === '\r';
}

/** Join folded lines (CRLF or LF followed by a space or tab) and trim, as a parsed field value reads. */
export function unfoldHeaderValue(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

/**
 * The address in the first `for <…>` of a Received value, as GitLab reads it: "for", whitespace,
 * '<', then everything up to the last '>' before the next '<' (at least one character).
 */
export function receivedForAddress(value: string): string | null {
  for (let at = value.indexOf('for'); at >= 0; at = value.indexOf('for', at + 1)) {
    let open = at + 3;
    while (isSpace(value[open])) open += 1;
    if (open === at + 3 || value[open] !== '<') continue;
    let close = -1;
    let end = open + 1;
    for (; end < value.length && value[end] !== '<'; end += 1) {
      if (value[end] === '>') close = end;
    }
    if (close > open + 1) return value.slice(open + 1, close);
  }
  return null;
}

/** Every `<…>` id in a raw References value, including Exchange's `"<a>,<b>"` form. */
export function bracketedIds(value: string): string[] {
  const ids: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i];
    if (char === '>' && i > start) ids.push(value.slice(start, i));
    if (char === '<' || char === '>') start = i + 1;
  }
  return ids;
}

/** Message ids from References: a raw value is scanned for `<…>`; a list may keep its brackets. */
export function referenceIds(references: readonly string[] | string | undefined): string[] {
  if (references === undefined) return [];
  if (typeof references === 'string') return bracketedIds(references);
  return references.map((id) => (id.startsWith('<') && id.endsWith('>') && id.length > 1 ? id.slice(1, -1) : id));
}

/** The key in our own Message-ID form `reply-<key>@<host>` (exact host, as GitLab compares it). */
export function keyFromReferenceId(id: string, gitlabHost: string): string | null {
  const prefix = 'reply-';
  const suffix = `@${gitlabHost}`;
  if (!id.startsWith(prefix) || !id.endsWith(suffix)) return null;
  const key = id.slice(prefix.length, id.length - suffix.length);
  return key.length > 0 && !key.includes('\n') ? key : null;
}
