import type { Attachment } from '../handlers/sink.js';
import type { ReceivedMail } from './mail.js';

/** `application/x-pkcs7-signature` and `application/pkcs7-signature` are the same protocol. */
function normalisedType(type: string): string {
  return type.split(';')[0].trim().toLowerCase().replace(/\/x-/, '/');
}

/**
 * GitLab uploads every attachment, inline images with a filename included, except the
 * signature part of a `multipart/signed` message (its type is the `protocol` parameter).
 */
export function attachmentsOf(mail: ReceivedMail): Attachment[] {
  const contentType = mail.parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const signed = contentType?.value?.toLowerCase() === 'multipart/signed' ? contentType.params?.protocol : undefined;
  const signature = signed ? normalisedType(signed) : undefined;
  return mail.parsed.attachments
    .filter((part) => !(signature && normalisedType(part.contentType) === signature))
    .filter((part) => part.filename || part.contentDisposition === 'attachment')
    .map((part) => ({ filename: part.filename ?? 'attachment', contentType: part.contentType, content: part.content }));
}
