import type { IncomingMessage, Spool } from '../../src/spool/index.js';

/** A message as the SMTP front hands it to the spool, from its bytes; any field can be replaced. */
export function incomingMessage(bytes: Buffer | string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  const chunk = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return {
    source: 'smtp',
    sessionId: 's1',
    tls: false,
    mailFrom: 'load@client.test',
    recipients: ['incoming+key@postroom.test'],
    receivedAt: Date.now(),
    chunks: [chunk],
    size: chunk.length,
    ...overrides,
  };
}

/** Stores `incoming` and answers its spool id; a refusal fails the test. */
export async function storedId(spool: Spool, incoming: IncomingMessage): Promise<number> {
  const result = await spool.store(incoming);
  if (!result.stored) throw new Error(result.reason);
  return result.id;
}
