import { describe, expect, it } from 'vitest';
import { LineEndingScanner } from '../../src/smtp/messageCollector.js';

/** Feeds the text split at every position, so a line end across a chunk boundary is covered. */
function bareAtAnySplit(text: string): boolean[] {
  const bytes = Buffer.from(text, 'latin1');
  return Array.from({ length: bytes.length + 1 }, (_, at) => {
    const scanner = new LineEndingScanner();
    scanner.feed(bytes.subarray(0, at));
    scanner.feed(bytes.subarray(at));
    return scanner.finish();
  });
}

describe('bare CR / LF detection', () => {
  it('accepts CRLF-only text wherever the chunks split', () => {
    expect(new Set(bareAtAnySplit('Subject: a\r\n\r\nline\r\n\r\n.line\r\n'))).toEqual(new Set([false]));
  });

  for (const [name, text] of [
    ['bare LF', 'Subject: a\r\n\r\nline\nmore\r\n'],
    ['bare CR', 'Subject: a\r\n\r\nline\rmore\r\n'],
    ['LF at the start', '\nSubject: a\r\n'],
    ['CR at the end', 'Subject: a\r\n\r\nline\r'],
    ['CR CR LF', 'line\r\r\nmore\r\n'],
  ] as const) {
    it(`finds a ${name} wherever the chunks split`, () => {
      expect(new Set(bareAtAnySplit(text))).toEqual(new Set([true]));
    });
  }
});
