import libmime from 'libmime';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { RawHeader } from '../address/index.js';
import { processingError, type ProcessingError } from '../handlers/errors.js';
import { addressesIn, firstField, messageIdOf, readHeaderFields } from '../message/headers.js';

/**
 * A received message as routing needs it: raw header values in order (GitLab's key search reads
 * them), the addresses, and a full MIME parse made only when something asks for it.
 */
export interface ReceivedMail {
  raw: Buffer;
  headers: RawHeader[];
  to: string[];
  cc: string[];
  from: string[];
  replyTo: string[];
  sender: string[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  /** The top-level Content-Type, lower-cased, without parameters. */
  contentType: string;
  /** The whole message parsed (attachments); made at the first call. */
  fullParse(): Promise<ParsedMail>;
}

export type ReadResult = { ok: true; mail: ReceivedMail } | { ok: false; error: ProcessingError };

/** GitLab's first two steps: a blank message is EmptyEmailError, one that cannot be read EmailUnparsableError. */
export async function readMail(raw: Buffer): Promise<ReadResult> {
  if (isBlank(raw)) return { ok: false, error: processingError('EmptyEmailError') };
  let headers: RawHeader[];
  try {
    headers = readHeaderFields(raw);
  } catch (error) {
    return {
      ok: false,
      error: processingError('EmailUnparsableError', error instanceof Error ? error.message : String(error)),
    };
  }
  const first = (name: string) => firstField(headers, name);
  const addressesOf = (name: string) =>
    headers.filter((h) => h.name.toLowerCase() === name).flatMap((h) => addressesIn(h.value));
  let parsed: Promise<ParsedMail> | undefined;
  return {
    ok: true,
    mail: {
      raw,
      headers,
      to: addressesOf('to'),
      cc: addressesOf('cc'),
      from: addressesOf('from'),
      replyTo: addressesOf('reply-to'),
      sender: addressesOf('sender'),
      subject: decode(first('subject') ?? ''),
      messageId: messageIdOf(first('message-id')),
      inReplyTo: messageIdOf(first('in-reply-to')),
      contentType: (first('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase(),
      fullParse: () =>
        (parsed ??= simpleParser(raw, {
          skipHtmlToText: true,
          skipImageLinks: true,
          skipTextToHtml: true,
          skipTextLinks: true,
        })),
    },
  };
}

export function headerValues(mail: ReceivedMail, name: string): string[] {
  const wanted = name.toLowerCase();
  return mail.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** GitLab's from_address: the first Reply-To, else the first From, else Sender. */
export function fromAddress(mail: ReceivedMail): string | undefined {
  return mail.replyTo[0] ?? mail.from[0] ?? mail.sender[0];
}

// What String.prototype.trim removes, among the characters one latin1 byte can be.
const BLANK_BYTES = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

/** Whether the message is whitespace only, read without making a string of it. */
function isBlank(raw: Buffer): boolean {
  for (const byte of raw) if (!BLANK_BYTES.has(byte)) return false;
  return true;
}

function decode(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
