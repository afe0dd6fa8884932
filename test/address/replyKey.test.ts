import { describe, it, expect } from 'vitest';
import { generateReplyKey, isLegacyReplyKey, parseMailKey, parseReplyKey } from '../../src/address/index.js';

const CURRENT_FORM = /^[0-9a-z]{1,4}-[0-9a-z]{25}-[0-9a-z]{1,13}$/;

function base36ToBigInt(text: string): bigint {
  return [...text].reduce((value, digit) => value * 36n + BigInt(parseInt(digit, 36)), 0n);
}

describe('generateReplyKey', () => {
  it('writes partition and namespace in base 36 around a 25-character key', () => {
    const key = generateReplyKey({ partition: 46, namespaceId: 1295 });
    expect(key).toMatch(CURRENT_FORM);
    expect(key.startsWith('1a-')).toBe(true);
    expect(key.endsWith('-zz')).toBe(true);
    expect(generateReplyKey({ partition: 0, namespaceId: 0 })).toMatch(/^0-[0-9a-z]{25}-0$/);
    expect(generateReplyKey({ partition: 36 ** 4 - 1, namespaceId: Number.MAX_SAFE_INTEGER })).toMatch(
      new RegExp(`^zzzz-[0-9a-z]{25}-${Number.MAX_SAFE_INTEGER.toString(36)}$`),
    );
  });

  it('parses back into its parts', () => {
    const text = generateReplyKey({ partition: 7, namespaceId: 42 });
    expect(parseReplyKey(text)).toEqual({
      form: 'partitioned',
      text,
      partition: 7,
      key: text.split('-')[1],
      namespace: (42).toString(36),
    });
  });

  it('routes as a reply, and with -unsubscribe as an unsubscribe of the same key', () => {
    const text = generateReplyKey({ partition: 3, namespaceId: 1 });
    const replyKey = parseReplyKey(text);
    expect(parseMailKey(text, { mailbox: 'incoming' })).toEqual({ kind: 'reply', replyKey });
    expect(parseMailKey(`${text}-unsubscribe`, { mailbox: 'incoming' })).toEqual({
      kind: 'unsubscribe',
      replyKey,
      legacySuffix: false,
    });
  });

  it('draws 128 random bits per key: all distinct, all below 2^128', () => {
    const keys = Array.from({ length: 20_000 }, () => generateReplyKey({ partition: 1, namespaceId: 1 }));
    expect(new Set(keys).size).toBe(keys.length);
    const values = keys.map((key) => base36ToBigInt(key.split('-')[1]!));
    expect(values.every((value) => value < 2n ** 128n)).toBe(true);
    // With 20,000 draws the largest is almost surely in the top 1% of the range.
    const largest = values.reduce((a, b) => (a > b ? a : b));
    expect(largest > (2n ** 128n * 99n) / 100n).toBe(true);
  });

  it.each([
    { partition: -1, namespaceId: 1 },
    { partition: 36 ** 4, namespaceId: 1 },
    { partition: 1.5, namespaceId: 1 },
    { partition: 1, namespaceId: -1 },
    { partition: 1, namespaceId: Number.NaN },
    { partition: 1, namespaceId: 2 ** 60 },
  ])('refuses %j', (where) => {
    expect(() => generateReplyKey(where)).toThrow(RangeError);
  });
});

describe('parseReplyKey and isLegacyReplyKey', () => {
  const hex = '59d8df8370b7e95c5a49fbf86aeb2c93';

  it('recognises the legacy 32-hex form, lowercase only', () => {
    expect(isLegacyReplyKey(hex)).toBe(true);
    expect(isLegacyReplyKey(hex.toUpperCase())).toBe(false);
    expect(isLegacyReplyKey(hex.slice(1))).toBe(false);
    expect(parseReplyKey(hex)).toEqual({ form: 'legacy', text: hex, key: hex });
  });

  it('reads a partitioned key without a namespace', () => {
    expect(parseReplyKey('z-0000000000000000000000001')).toEqual({
      form: 'partitioned',
      text: 'z-0000000000000000000000001',
      partition: 35,
      key: '0000000000000000000000001',
      namespace: null,
    });
  });

  it.each([
    '',
    'x',
    `${hex}-`,
    '1-abc',
    '12345-0000000000000000000000001',
    '1-0000000000000000000000001-',
    '1-000000000000000000000000A',
  ])('refuses %j', (text) => {
    expect(parseReplyKey(text)).toBeNull();
  });
});
