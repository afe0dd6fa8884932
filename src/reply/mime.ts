// A small, forgiving MIME reader for choosing the reply body. Bodies are kept as raw bytes
// (mailparser would normalise line endings and guess UTF-8 for parts without a charset,
// which changes what GitLab's reply parser sees).

export type MimePart = {
  /** Lower-cased header name → unfolded value of its first occurrence. */
  headers: Map<string, string>;
  /** Lower-cased "type/subtype", or "" when there is no Content-Type header. */
  mimeType: string;
  params: Record<string, string>;
  /** Still transfer-encoded: a view of the message's own bytes, not a copy. */
  body: Buffer;
  parts: MimePart[];
};

const MAX_DEPTH = 30;

/** Splits "a; b=c; d=\"e;f\"" on semicolons outside quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\' && quoted && i + 1 < value.length) {
      current += c + value[i + 1];
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

export function parseContentType(value: string | undefined): { mimeType: string; params: Record<string, string> } {
  if (value === undefined) return { mimeType: '', params: {} };
  const [type, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name && !(name in params)) params[name] = v;
  }
  return { mimeType: type.trim().toLowerCase(), params };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && unfolded.length > 0) unfolded[unfolded.length - 1] += ` ${line.trim()}`;
    else unfolded.push(line);
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

function trimLineEnd(line: string): string {
  let end = line.length;
  while (end > 0 && ' \t\r'.includes(line[end - 1])) end -= 1;
  return line.slice(0, end);
}

/** Where each part lies between boundary lines; the line break before a boundary belongs to the boundary. */
function splitMultipart(body: string, boundary: string): [number, number][] {
  const delimiter = `--${boundary}`;
  const parts: [number, number][] = [];
  let start = -1;
  let pos = 0;
  while (pos <= body.length) {
    const nl = body.indexOf('\n', pos);
    const end = nl < 0 ? body.length : nl;
    const line = body.startsWith(delimiter, pos) ? trimLineEnd(body.slice(pos, end)) : '';
    if (line === delimiter || line === `${delimiter}--`) {
      if (start >= 0) {
        let partEnd = pos > 0 ? pos - 1 : 0;
        if (partEnd > start && body[partEnd - 1] === '\r') partEnd -= 1;
        parts.push([start, Math.max(start, partEnd)]);
      }
      if (line !== delimiter) return parts;
      start = end + 1;
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  // A missing closing boundary still leaves the last part readable.
  if (start >= 0 && start <= body.length) parts.push([start, body.length]);
  return parts;
}

/**
 * `text` is `bytes` read as latin1 (one char per byte), so a position in one is the same in the
 * other: headers are read from the text, and each body is a view of the bytes.
 */
function parsePart(text: string, bytes: Buffer, depth: number): MimePart {
  const sep = /\r?\n\r?\n/.exec(text);
  const leadingBreak = /^\r?\n/.exec(text);
  const headerBlock = leadingBreak ? '' : sep ? text.slice(0, sep.index) : text;
  const bodyStart = leadingBreak ? leadingBreak[0].length : sep ? sep.index + sep[0].length : text.length;
  const bodyText = text.slice(bodyStart);
  const body = bytes.subarray(bodyStart);
  const headers = parseHeaders(headerBlock);
  const { mimeType, params } = parseContentType(headers.get('content-type'));
  const boundary = params.boundary;
  const parts =
    mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH
      ? splitMultipart(bodyText, boundary).map(([from, to]) =>
          parsePart(bodyText.slice(from, to), body.subarray(from, to), depth + 1),
        )
      : [];
  return { headers, mimeType, params, body, parts };
}

export function parseMime(raw: Buffer | string): MimePart {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const text = bytes.toString('latin1');
  // Like the Ruby mail gem, ignore whitespace before the first header.
  const start = /^[ \t\r\n\v\f]*/.exec(text)![0].length;
  return parsePart(text.slice(start), bytes.subarray(start), 0);
}

/** Depth-first, parent before children (the mail gem's all_parts order). */
export function allParts(part: MimePart): MimePart[] {
  return part.parts.flatMap((p) => [p, ...allParts(p)]);
}

export function isAttachmentPart(part: MimePart): boolean {
  const disposition = parseContentType(part.headers.get('content-disposition'));
  return disposition.mimeType === 'attachment' || 'filename' in disposition.params || 'name' in part.params;
}
