import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trimReplySplit } from '../../src/reply/trimmer.js';
import { rubyStrip } from '../../src/reply/rubyText.js';

// The gem's own corpus (MIT, see test/fixtures/email_reply_trimmer/LICENSE and SOURCE).
const corpus = join(import.meta.dirname, '..', 'fixtures', 'email_reply_trimmer');
const read = (dir: string, name: string): string => readFileSync(join(corpus, dir, name), 'utf8');
const trimReply = (text: string): string | null => trimReplySplit(text)?.trimmed ?? null;
// The gem's tests strip both the input and the expected files.
const email = (name: string): string => rubyStrip(read('emails', name));
const emails = readdirSync(join(corpus, 'emails'))
  .filter((f) => f.endsWith('.txt'))
  .sort();

const passed = { trimmed: 0, elided: 0 };

afterAll(() => {
  console.log(
    `email_reply_trimmer corpus: trimmed ${passed.trimmed}/${emails.length}, ` +
      `elided ${passed.elided}/${emails.length}`,
  );
});

describe('trimmer corpus: trimmed/', () => {
  it('has the full corpus (64 emails)', () => {
    expect(emails).toHaveLength(64);
    expect(readdirSync(join(corpus, 'trimmed')).sort()).toEqual(emails);
  });
  it.each(emails)('%s', (name) => {
    expect(trimReply(email(name))).toBe(rubyStrip(read('trimmed', name)));
    passed.trimmed += 1;
  });
});

describe('trimmer corpus: elided/', () => {
  it.each(emails)('%s', (name) => {
    expect(trimReplySplit(email(name))?.elided).toBe(rubyStrip(read('elided', name)));
    passed.elided += 1;
  });
});

describe('trimmer edge cases', () => {
  it('returns null for blank input, as the gem returns nil', () => {
    expect(trimReply('')).toBeNull();
    expect(trimReply(' \n\t\u00a0\n')).toBeNull();
  });

  it('keeps lone bullet markers but still cuts at a real delimiter', () => {
    const text = 'Here is my list:\n\n-\nFirst item.\n*\nSecond item.\n\n--\nSignature line.';
    expect(trimReply(text)).toBe('Here is my list:\n\n-\nFirst item.\n*\nSecond item.');
  });

  it('restores fenced code blocks in both halves of the split', () => {
    const text = 'Look:\n\n```\n> not a quote\n--\n```\n\nOn Mon, Jan 1, 2024, Bob wrote:\n> old';
    expect(trimReplySplit(text)).toEqual({
      trimmed: 'Look:\n\n```\n> not a quote\n--\n```',
      elided: 'On Mon, Jan 1, 2024, Bob wrote:\n> old',
    });
  });

  it('converts enclosed quote blocks into > lines', () => {
    const text = 'Reply here.\n\n>>> bob >>>\nold text\n<<< bob <<<';
    expect(trimReplySplit(text)).toEqual({ trimmed: 'Reply here.', elided: '> old text' });
  });
});
