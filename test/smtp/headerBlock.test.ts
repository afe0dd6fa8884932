import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/smtp/memoryBudget.js';
import { collectMessage } from '../../src/smtp/messageCollector.js';

const HEAD = 'From: bob@example.net\r\nMessage-ID: <m1@example.net>\r\nSubject: hi\r\n';
const MESSAGE = `${HEAD}\r\nbody line\r\n`;

async function collect(pieces: string[]) {
  const bytes = pieces.map((piece) => Buffer.from(piece, 'latin1'));
  return collectMessage(Readable.from(bytes), {
    maxSize: 1 << 20,
    budget: new MemoryBudget(1 << 20),
    spillThreshold: 1 << 20,
    spillPath: () => {
      throw new Error('no spill expected');
    },
  });
}

describe('the header block the collector keeps', () => {
  it('ends after the last field, wherever the chunks split the empty line', async () => {
    for (let cut = 1; cut < MESSAGE.length; cut++) {
      const collected = await collect([MESSAGE.slice(0, cut), MESSAGE.slice(cut)]);
      expect([cut, collected.head?.toString('latin1')]).toEqual([cut, HEAD]);
      expect(collected.messageId).toBe('<m1@example.net>');
    }
  });

  it('is found across many one-byte chunks', async () => {
    const collected = await collect([...MESSAGE]);
    expect(collected.head?.toString('latin1')).toBe(HEAD);
  });

  it('is the whole message when it has no body, and absent when no empty line comes within 64 KiB', async () => {
    expect((await collect([HEAD])).head?.toString('latin1')).toBe(HEAD);
    const endless = `X-Long: ${'a'.repeat(70 * 1024)}\r\n\r\nbody\r\n`;
    expect((await collect([endless.slice(0, 40_000), endless.slice(40_000)])).head).toBeUndefined();
  });
});
