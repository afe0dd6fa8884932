export interface TraceFacts {
  helo?: string;
  clientAddress?: string;
  hostname: string;
  tls: boolean;
  id: string;
  recipients: string[];
  date: Date;
}

/**
 * RFC 5321 §4.4: the receiving server prepends a Received trace line. `for` is written only for a
 * single recipient so one recipient's address is never shown to another.
 */
export function receivedHeader(facts: TraceFacts): Buffer {
  const from = `from ${sanitize(facts.helo || 'unknown')} ([${sanitize(facts.clientAddress || 'unknown')}])`;
  const by = `by ${facts.hostname} (Postroom) with ${facts.tls ? 'ESMTPS' : 'ESMTP'} id ${facts.id}`;
  const forClause = facts.recipients.length === 1 ? `\r\n\tfor <${sanitize(facts.recipients[0])}>` : '';
  return Buffer.from(
    `Received: ${from}\r\n\t${by}${forClause};\r\n\t${facts.date.toUTCString().replace('GMT', '+0000')}\r\n`,
  );
}

function sanitize(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, '?').slice(0, 255);
}
