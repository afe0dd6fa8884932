// Attachments of a reply, as GitLab's AttachmentUploader sees them: every part with a
// filename (inline images included), minus the signature of an S/MIME-signed message.
import { simpleParser } from 'mailparser';
import { parseContentType } from './mime.js';

export type ReplyAttachment = {
  filename: string;
  contentType: string;
  content: Buffer;
  size: number;
};

/** Lower case, no parameters, "x-" prefixes dropped: application/x-pkcs7-signature ≡ application/pkcs7-signature. */
export function simplifiedMimeType(value: string): string {
  return parseContentType(value)
    .mimeType.split('/')
    .map((piece) => piece.replace(/^x-/, ''))
    .join('/');
}

type ParsedAttachment = { filename?: string; contentType: string; content: Buffer; size: number };

/** Drops the signature part of a multipart/signed message (its type equals the protocol). */
export function withoutSignatures(
  attachments: ParsedAttachment[],
  messageContentType: string | undefined,
): ReplyAttachment[] {
  const { mimeType, params } = parseContentType(messageContentType);
  const protocol = params.protocol ? simplifiedMimeType(params.protocol) : undefined;
  const signed = simplifiedMimeType(mimeType) === 'multipart/signed' && protocol !== undefined;
  return attachments
    .filter((a): a is ParsedAttachment & { filename: string } => typeof a.filename === 'string' && a.filename !== '')
    .filter((a) => !(signed && simplifiedMimeType(a.contentType) === protocol))
    .map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, size: a.size }));
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** The top-level Content-Type header, unfolded. */
function topContentType(raw: Buffer): string | undefined {
  const m = /(?:^|\n)content-type:[ \t]*((?:[^\r\n]|\r?\n[ \t])*)/i.exec(headerBlock(raw));
  return m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
}

export async function extractAttachments(raw: Buffer | string): Promise<ReplyAttachment[]> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  // The mail gem ignores whitespace before the first header; mailparser would not.
  const start = bytes.findIndex((b) => ![0x20, 0x09, 0x0d, 0x0a].includes(b));
  const message = start <= 0 ? bytes : bytes.subarray(start);
  const parsed = await simpleParser(message, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  return withoutSignatures(parsed.attachments, topContentType(message));
}
