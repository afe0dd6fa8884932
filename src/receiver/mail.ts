import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { RawHeader } from '../address/index.js';
import { processingError, type ProcessingError } from '../handlers/errors.js';

/** A parsed message with the raw, ordered header values GitLab's key search reads. */
export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  /** Every header field in order, value unfolded but otherwise as sent. */
  headers: RawHeader[];
  to: string[];
  cc: string[];
  from: string[];
  replyTo: string[];
  subject: string;
  messageId?: string;
  inReplyTo?: string;
}

export type ReadResult = { ok: true; mail: ReceivedMail } | { ok: false; error: ProcessingError };

/** GitLab's first two steps: a blank message is EmptyEmailError, one that cannot be parsed EmailUnparsableError. */
export async function readMail(raw: Buffer): Promise<ReadResult> {
  if (raw.toString('latin1').trim() === '') return { ok: false, error: processingError('EmptyEmailError') };
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (error) {
    return { ok: false, error: processingError('EmailUnparsableError', error instanceof Error ? error.message : String(error)) };
  }
  const headers = parsed.headerLines.map(({ line }) => {
    const colon = line.indexOf(':');
    return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim() };
  });
  return {
    ok: true,
    mail: {
      raw,
      parsed,
      headers,
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      from: addresses(parsed.from),
      replyTo: addresses(parsed.replyTo),
      subject: parsed.subject ?? '',
      messageId: parsed.messageId,
      inReplyTo: parsed.inReplyTo,
    },
  };
}

export function headerValues(mail: ReceivedMail, name: string): string[] {
  const wanted = name.toLowerCase();
  return mail.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** GitLab's from_address: the first Reply-To, else the first From, else Sender. */
export function fromAddress(mail: ReceivedMail): string | undefined {
  return mail.replyTo[0] ?? mail.from[0] ?? addresses(mail.parsed.headers.get('sender') as AddressObject | undefined)[0];
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push(entry.address);
    }
  };
  for (const object of objects) walk(object.value);
  return out;
}
