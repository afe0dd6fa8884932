import { simpleParser } from 'mailparser';
import type { OriginalMessage } from '../../src/outgoing/index.js';

/** What the receiver hands over about a message it rejects: parsed from the raw mail, as it would be. */
export async function originalFromRaw(raw: string | Buffer, envelopeSender?: string): Promise<OriginalMessage> {
  const parsed = await simpleParser(raw, { skipTextToHtml: true, skipHtmlToText: true });
  const addresses = (field: typeof parsed.from | typeof parsed.to) =>
    (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
      group.value.map((entry) => entry.address ?? ''),
    );
  return {
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    subject: parsed.subject ?? null,
    messageId: parsed.messageId ?? null,
    headers: parsed.headerLines.map(({ line }) => ({
      name: line.slice(0, line.indexOf(':')),
      value: line.slice(line.indexOf(':') + 1),
    })),
    envelopeSender,
  };
}

export const SECRET_BODY_LINE = 'Launch code: 0000-ORIGINAL-BODY-MUST-NOT-ECHO';

export function rawMail(headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    From: 'Alice Example <alice@example.net>',
    To: 'incoming+1-0123456789abcdefghijklmno-7@postroom.test',
    Subject: 'Re: Fuel gauge reads empty',
    'Message-ID': '<original-1@example.net>',
    Date: 'Tue, 01 Apr 2025 10:00:00 +0000',
    ...headers,
  };
  const head = Object.entries(all)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return `${head}\r\n\r\n${SECRET_BODY_LINE}\r\n`;
}
