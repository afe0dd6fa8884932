import { describe, expect, it } from 'vitest';
import { headerText, MAX_HEADER_TEXT } from '../../src/outgoing/index.js';

describe('header text from incoming mail, before it is stored or sent', () => {
  it('turns control characters (CR and LF included) into single spaces', () => {
    expect(headerText('Hello\r\nBcc: victim@example.com')).toBe('Hello Bcc: victim@example.com');
    expect(headerText('a\u0000\u0007b\u007f\u0085c\tdone')).toBe('a b c done');
  });

  it('keeps ordinary text, accents and emoji as they are', () => {
    expect(headerText('Re: Café ☕ für 🐱 (#3)')).toBe('Re: Café ☕ für 🐱 (#3)');
  });

  it('cuts what is too long to the limit, never inside an emoji, and says so with an ellipsis', () => {
    const cut = headerText('🐱'.repeat(300_000));
    expect(Array.from(cut)).toHaveLength(MAX_HEADER_TEXT);
    expect(cut.endsWith('🐱…')).toBe(true);
    expect(headerText('x'.repeat(MAX_HEADER_TEXT))).toBe('x'.repeat(MAX_HEADER_TEXT));
    expect(headerText('🐱'.repeat(200))).toBe('🐱'.repeat(200));
  });
});
