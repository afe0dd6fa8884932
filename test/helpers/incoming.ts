import type { IncomingMessage } from '../../src/spool/index.js';

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
