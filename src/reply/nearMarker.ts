// Regexes like /\d{4}.{1,80}\n?.{0,80}?napisał\(a\):/ backtrack heavily at every digit of a
// long number. A match can only start a bounded distance before its literal anchor, so only
// those start positions are tried; the result is the same leftmost match the regex finds.

export type NearMarkerSpec = {
  /** The gem's regex, sticky. */
  re: RegExp;
  /** Global regex for the literal every match must contain. */
  anchor: RegExp;
  /** Largest possible distance from match start to the anchor. */
  lead: number;
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function fourDigitsAt(text: string, i: number): boolean {
  return isDigit(text[i]) && isDigit(text[i + 1]) && isDigit(text[i + 2]) && isDigit(text[i + 3]);
}

/** Leftmost match starting at or after `from` (all these regexes start with \d{4}). */
const anchors = new WeakMap<NearMarkerSpec, RegExp>();

export function nextNearMarker(text: string, spec: NearMarkerSpec, from: number): RegExpExecArray | null {
  // A private copy of the anchor per spec: its lastIndex is this scan's own.
  let anchor = anchors.get(spec);
  if (!anchor) anchors.set(spec, (anchor = new RegExp(spec.anchor.source, spec.anchor.flags)));
  anchor.lastIndex = from;
  let tried = from;
  for (let a = anchor.exec(text); a; a = anchor.exec(text)) {
    for (let c = Math.max(tried, a.index - spec.lead); c < a.index; c += 1) {
      if (!fourDigitsAt(text, c)) continue;
      spec.re.lastIndex = c;
      const m = spec.re.exec(text);
      if (m) return m;
    }
    tried = Math.max(tried, a.index);
  }
  return null;
}

/** Ruby gsub with a block, driven by nextNearMarker. */
export function replaceNearMarker(text: string, spec: NearMarkerSpec, fn: (m: string) => string): string {
  let out = '';
  let from = 0;
  for (let m = nextNearMarker(text, spec, 0); m; m = nextNearMarker(text, spec, from)) {
    out += text.slice(from, m.index) + fn(m[0]);
    from = m.index + m[0].length;
  }
  return out + text.slice(from);
}
