import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractEmbeddedEmail, trimReply, trimReplySplit } from '../../src/reply/index.js';
import { rubyStrip } from '../../src/reply/rubyText.js';

// The gem's own corpus (MIT, see test/fixtures/email_reply_trimmer/LICENSE and SOURCE).
const corpus = join(import.meta.dirname, '..', 'fixtures', 'email_reply_trimmer');
const read = (dir: string, name: string): string => readFileSync(join(corpus, dir, name), 'utf8');
// The gem's tests strip both the input and the expected files.
const email = (name: string): string => rubyStrip(read('emails', name));
const emails = readdirSync(join(corpus, 'emails'))
  .filter((f) => f.endsWith('.txt'))
  .sort();
const embeddedCases = readdirSync(join(corpus, 'embedded'))
  .filter((f) => f.endsWith('.txt'))
  .sort();

const passed = { trimmed: 0, elided: 0, embedded: 0 };

afterAll(() => {
  console.log(
    `email_reply_trimmer corpus: trimmed ${passed.trimmed}/${emails.length}, ` +
      `elided ${passed.elided}/${emails.length}, embedded+before ${passed.embedded}/${embeddedCases.length}`,
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

describe('trimmer corpus: embedded/ + before/', () => {
  it('has the 10 forwarded-mail cases', () => {
    expect(embeddedCases).toHaveLength(10);
  });
  it.each(embeddedCases)('%s', (name) => {
    const result = extractEmbeddedEmail(email(name));
    expect(result).not.toBeNull();
    expect(result?.embedded).toBe(rubyStrip(read('embedded', name)));
    expect(result?.before).toBe(rubyStrip(read('before', name)));
    passed.embedded += 1;
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
