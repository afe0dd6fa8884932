import type { Attachment as ParsedAttachment } from 'mailparser';
import type { Attachment } from '../handlers/sink.js';
import { headerValues, type ReceivedMail } from './mail.js';

// Only a part with a file name can be an attachment GitLab uploads; without one anywhere in the
// message, the full MIME parse is not needed at all.
const NAMED_PART = /^content-(?:type|disposition):[^\n]*(?:\n[ \t][^\n]*)*?\b(?:file)?name\*?=/im;

/** `application/x-pkcs7-signature` and `application/pkcs7-signature` are the same protocol. */
function normalisedType(type: string): string {
  return type.split(';')[0].trim().toLowerCase().replace(/\/x-/, '/');
}

/**
 * In a line-based transfer encoding (7bit, 8bit, quoted-printable) a CRLF is the transport's line
 * break, not content: it decodes to LF, as Ruby's Mail does for GitLab. Base64 and binary parts
 * keep their bytes. (A quoted-printable patch sent over SMTP otherwise reaches `git am` with CRLF
 * on every line and no longer applies.)
 */
function decodedContent(part: ParsedAttachment): Buffer {
  const encoding = String(part.headers.get('content-transfer-encoding') ?? '7bit')
    .trim()
    .toLowerCase();
  if (encoding === 'base64' || encoding === 'binary') return part.content;
  return Buffer.from(part.content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

/**
 * GitLab uploads every attachment, inline images with a filename included, except the
 * signature part of a `multipart/signed` message (its type is the `protocol` parameter).
 */
export async function attachmentsOf(mail: ReceivedMail): Promise<Attachment[]> {
  if (!NAMED_PART.test(mail.raw.toString('latin1'))) return [];
  const parsed = await mail.fullParse();
  const protocol = /;\s*protocol\s*=\s*"?([^";\s]+)/i.exec(headerValues(mail, 'content-type')[0] ?? '')?.[1];
  const signature = mail.contentType === 'multipart/signed' && protocol ? normalisedType(protocol) : undefined;
  return parsed.attachments
    .filter((part) => !(signature && normalisedType(part.contentType) === signature))
    .filter((part) => part.filename || part.contentDisposition === 'attachment')
    .map((part) => ({
      filename: part.filename ?? 'attachment',
      contentType: part.contentType,
      content: decodedContent(part),
    }));
}
