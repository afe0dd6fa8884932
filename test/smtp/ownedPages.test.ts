import { describe, expect, it } from 'vitest';
import { OwnedPages, owned } from '../../src/smtp/ownedPages.js';

describe('owned pages', () => {
  it('keeps the bytes in order across page boundaries, in pages that own their memory', () => {
    const pages = new OwnedPages();
    const input = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    for (let at = 0; at < input.length; at += 7_777) pages.write(input.subarray(at, at + 7_777));
    const views = pages.views();
    expect(Buffer.concat(views).equals(input)).toBe(true);
    expect(pages.size).toBe(input.length);
    // 8 KiB, 16 KiB, 32 KiB, 64 KiB, 128 KiB, then the rest: each a whole ArrayBuffer of its own.
    expect(views.map((v) => v.buffer.byteLength)).toEqual([8_192, 16_384, 32_768, 65_536, 131_072, 262_144]);
    expect(new Set(views.map((v) => v.buffer)).size).toBe(views.length);
  });

  it('makes a small message a single small page', () => {
    const pages = new OwnedPages();
    pages.write(Buffer.from('Subject: hi\r\n\r\nbody\r\n'));
    expect(pages.views().map((v) => v.toString())).toEqual(['Subject: hi\r\n\r\nbody\r\n']);
  });

  it('joins parts into one buffer of its own', () => {
    const joined = owned(Buffer.from('Authentication-Results: x\r\n'), Buffer.from('Received: y\r\n'));
    expect(joined.toString()).toBe('Authentication-Results: x\r\nReceived: y\r\n');
    expect(joined.buffer.byteLength).toBe(joined.length);
  });

  it('copies a pooled buffer into one of its own', () => {
    const pooled = Buffer.from('Received: x\r\n');
    const copy = owned(pooled);
    expect(copy.equals(pooled)).toBe(true);
    expect(copy.buffer.byteLength).toBe(pooled.length);
  });
});
