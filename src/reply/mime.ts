// A small, forgiving MIME reader for choosing the reply body. Bodies are kept as raw bytes
// (mailparser would normalise line endings and guess UTF-8 for parts without a charset,
// which changes what GitLab's reply parser sees).

export type MimePart = {
  /** Lower-cased header name → unfolded value of its first occurrence. */
  headers: Map<string, string>;
  /** Lower-cased "type/subtype", or "" when there is no Content-Type header. */
  mimeType: string;
  params: Record<string, string>;
  /** Still transfer-encoded. */
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

/** Text between boundary lines; the line break before a boundary belongs to the boundary. */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
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
        parts.push(body.slice(start, Math.max(start, partEnd)));
      }
      if (line !== delimiter) return parts;
      start = end + 1;
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  // A missing closing boundary still leaves the last part readable.
  if (start >= 0 && start <= body.length) parts.push(body.slice(start));
  return parts;
}

/** `raw` is a latin1 ("binary") string so each char is one byte. */
function parsePart(raw: string, depth: number): MimePart {
  const sep = /\r?\n\r?\n/.exec(raw);
  const startsWithBody = /^\r?\n/.test(raw);
  const headerBlock = startsWithBody ? '' : sep ? raw.slice(0, sep.index) : raw;
  const bodyText = startsWithBody ? raw.replace(/^\r?\n/, '') : sep ? raw.slice(sep.index + sep[0].length) : '';
  const headers = parseHeaders(headerBlock);
  const { mimeType, params } = parseContentType(headers.get('content-type'));
  const boundary = params.boundary;
  const parts =
    mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH
      ? splitMultipart(bodyText, boundary).map((p) => parsePart(p, depth + 1))
      : [];
  return { headers, mimeType, params, body: Buffer.from(bodyText, 'latin1'), parts };
}

export function parseMime(raw: Buffer | string): MimePart {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  // Like the Ruby mail gem, ignore whitespace before the first header.
  return parsePart(bytes.toString('latin1').replace(/^[ \t\r\n\v\f]+/, ''), 0);
}

/** Depth-first, parent before children (the mail gem's all_parts order). */
export function allParts(part: MimePart): MimePart[] {
  return part.parts.flatMap((p) => [p, ...allParts(p)]);
}

export function isAttachmentPart(part: MimePart): boolean {
  const disposition = parseContentType(part.headers.get('content-disposition'));
  return disposition.mimeType === 'attachment' || 'filename' in disposition.params || 'name' in part.params;
}
