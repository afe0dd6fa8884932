import { describe, expect, it } from 'vitest';
import { UNLIMITED } from '../../src/reply/budget.js';
import { trimPostroom } from '../../src/reply/postroomTrimmer.js';
import { replyFromBody, selectBody } from '../../src/reply/index.js';
import { trimReplySplit } from '../../src/reply/trimmer.js';

// Inputs that make the gem's regexes backtrack for minutes; each must finish promptly
// (the per-test timeout is the guard) and still give the gem's answer.
const MB = 1 << 20;
const LIMIT = 20_000;

const pathological: Record<string, string> = {
  '1 MB of prose': 'The quick brown fox jumps over the lazy dog on a sunny day at noon.\n'.repeat(MB / 68),
  '1 MB digit line ending in a Polish marker': `${'1234567890'.repeat(MB / 10)} napisał(a):`,
  "many 'At' lines before one 'On … wrote:'": `${'At x\n'.repeat(MB / 5)}On y wrote:`,
  "'wrote on' lines without a colon": 'a wrote on b\n'.repeat(MB / 13),
  'unclosed enclosed-quote openers': '>>> x >>>\n'.repeat(MB / 10),
  'blank runs around one line': `${'\n'.repeat(MB / 2)}text\n${'\n'.repeat(MB / 2)}x`,
  'header lines only': 'From: a\nTo: b\nSubject: c\n'.repeat(MB / 27),
  'long local part before @ … wrote': `x ${'a.+-'.repeat(MB / 8)}@b.com wrote`,
  "many ' via ' before wrote": `x via ${'y via '.repeat(MB / 6)}z wrote:`,
  '1 MB of spaces': `${' '.repeat(MB)}x`,
  'long pipes line': 'a|'.repeat(MB / 2),
};

describe('large and pathological input', () => {
  it.each(Object.keys(pathological))(
    'trims %s',
    (name) => {
      const text = pathological[name];
      const result = trimReplySplit(text);
      expect(result).not.toBeNull();
      expect(result?.trimmed.length ?? 0).toBeLessThanOrEqual(text.length);
      const postroom = trimPostroom(text, UNLIMITED);
      expect(postroom?.trimmed.length ?? 0).toBeLessThanOrEqual(text.length);
    },
    LIMIT,
  );

  it(
    'keeps the text of a 1 MB plain reply',
    () => {
      const text = 'Thanks, this works for me.\n'.repeat(MB / 27);
      expect(trimReplySplit(text)?.trimmed).toBe(text.trim());
    },
    LIMIT,
  );

  it(
    'cuts the quote below a reply even when the quote is 1 MB',
    () => {
      const text = `Short answer.\n\nOn Mon, Jan 1, 2024 at 10:00, Bob <bob@example.com> wrote:\n${'> old line\n'.repeat(MB / 11)}`;
      const result = trimReplySplit(text);
      expect(result?.trimmed).toBe('Short answer.');
      expect(result?.elided.startsWith('On Mon, Jan 1, 2024 at 10:00, Bob <bob@example.com> wrote:\n> old line')).toBe(
        true,
      );
    },
    LIMIT,
  );

  it(
    'parses a 1 MB HTML-only message',
    () => {
      const html = `<div>${'<p>para <b>bold</b> <em>it</em></p>'.repeat(MB / 40)}</div>`;
      const raw = `Content-Type: text/html; charset=utf-8\r\n\r\n${html}`;
      const { text, isHtml } = selectBody(raw);
      for (const trimming of ['gitlab', 'postroom'] as const) {
        expect(replyFromBody(text, isHtml, { trimming }).body.startsWith('para bold *it*\n\npara bold *it*')).toBe(
          true,
        );
      }
    },
    LIMIT,
  );
});
