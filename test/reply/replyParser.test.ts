import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailTextOf } from '../../src/receiver/mailText.js';
import { readMail } from '../../src/receiver/mail.js';
import { appendReply, replyFromBody, selectBody, type ReplyParserOptions } from '../../src/reply/index.js';

// GitLab's fixtures and the exact outputs its reply_parser_spec asserts (MIT, see SOURCE.md).
const gitlab = join(import.meta.dirname, '..', 'fixtures', 'gitlab');
const expectedDir = join(gitlab, 'expected_reply_parser');

function fixture(name: string): Buffer {
  const plain = join(gitlab, 'fixtures', name);
  return readFileSync(existsSync(plain) ? plain : join(gitlab, 'fixtures_inline', name));
}

/** "iso_8859_2_multipart.eml__trim_reply=false.txt" → fixture name and parser options. */
function decodeName(file: string): { fixtureName: string; options: Record<string, boolean> } {
  const m = /^(.+?\.eml)(?:__(.+))?\.(?:txt|json)$/.exec(file);
  if (!m) throw new Error(`unexpected file name ${file}`);
  const options: Record<string, boolean> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    options[key.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = value === 'true';
  }
  return { fixtureName: m[1], options };
}

/** ReplyParser#execute as production runs it: the body chosen once, then read with the options. */
function parseReply(raw: Buffer | string, options: ReplyParserOptions & { appendReply?: boolean } = {}) {
  const { appendReply: split, ...rest } = options;
  const { text, isHtml } = selectBody(raw);
  const { body, elided } = replyFromBody(text, isHtml, rest);
  return split ? [body, elided] : body;
}

/** GitLab's handler variants through the reader the receiver hands them (spec §3.3). */
async function variants(raw: Buffer) {
  const read = await readMail(raw);
  if (!read.ok) throw new Error(read.error.name);
  const text = mailTextOf(read.mail, { trimming: 'gitlab', budgetMs: 60_000 }, Infinity);
  return {
    message: () => text.body({ trimReply: true, allowOnlyQuotes: false }),
    includingReply: () => text.body({ trimReply: false, allowOnlyQuotes: false }),
    includingReplyOrOnlyQuotes: () => text.body({ trimReply: false, allowOnlyQuotes: true }),
    withAppendedReply: async () => {
      const { body, elided } = await text.bodyWithElided();
      return appendReply(body, elided);
    },
  };
}

const cases = readdirSync(expectedDir).sort();
let passed = 0;
afterAll(() => console.log(`expected_reply_parser: ${passed}/${cases.length}`));

describe('GitLab ReplyParser expected outputs', () => {
  it('has all 17 expected files', () => {
    expect(cases).toHaveLength(17);
  });

  it.each(cases)('%s', async (file) => {
    const { fixtureName, options } = decodeName(file);
    const raw = fixture(fixtureName);
    const expected = readFileSync(join(expectedDir, file), 'utf8');
    const actual = parseReply(raw, options);
    expect(actual).toEqual(file.endsWith('.json') ? JSON.parse(expected) : expected);
    passed += 1;
  });
});

describe('ReplyParser rules (EXPECTED.md)', () => {
  it('empty and header-less junk give an empty reply', () => {
    expect(parseReply('')).toBe('');
    expect(parseReply('asdf'.repeat(30))).toBe('');
  });

  it('refuses allowOnlyQuotes together with trimming', () => {
    expect(() => parseReply(fixture('valid_reply.eml'), { allowOnlyQuotes: true })).toThrow(/allowOnlyQuotes/);
  });

  it('a reply of only a delimiter and quotes is empty', async () => {
    expect(await (await variants(fixture('no_content_with_quote.eml'))).message()).toBe('');
  });

  it('quoted-printable German bullet list keeps its umlauts and items', async () => {
    const text = await (await variants(fixture('bullet_list_reply_quoted_printable.eml'))).message();
    for (const phrase of ['würde ich', 'ändern, dass sie kürzer ist', 'Eine weitere Anpassung.']) {
      expect(text).toContain(phrase);
    }
  });

  it('a plain reply keeps its text and sign-off', async () => {
    const text = await (await variants(fixture('valid_reply.eml'))).message();
    expect(text).toContain('I could not disagree more.');
    expect(text.endsWith('- Jake out')).toBe(true);
  });

  it('Shift_JIS body without a charset and ISO-8859-2 base64 are decoded', async () => {
    expect(await (await variants(fixture('service_desk_reply_illegal_utf8.eml'))).message()).toContain(
      'ピーター・ジョーンズ',
    );
    expect(await (await variants(fixture('service_desk_encoding.eml'))).message()).toBe(
      'Body of encoding iso-8859-2 test: ťžščľžťťč',
    );
  });

  it('a message without Content-Type is read as UTF-8 text', async () => {
    expect(await (await variants(fixture('no_content_type.eml'))).message()).toBe('Test.');
  });
});

describe('message variants (§3.3)', () => {
  it('issue replies get the quote appended in <details>', async () => {
    const text = await (await variants(fixture('commands_in_reply.eml'))).withAppendedReply();
    expect(text.startsWith('Cool!\n\n/close\n/todo\n\n<details><summary>...</summary>\n\nOn Sun, Jun 9, 2013')).toBe(
      true,
    );
    expect(text.endsWith('>\n\n</details>')).toBe(true);
  });

  it('merge request replies use the trimmed message without <details>', async () => {
    expect(await (await variants(fixture('commands_in_reply.eml'))).message()).toBe('Cool!\n\n/close\n/todo');
  });

  it('a reply of only quick actions gets no <details>', async () => {
    expect(await (await variants(fixture('commands_only_reply.eml'))).withAppendedReply()).toBe('/close\n/todo');
    expect(await (await variants(fixture('update_commands_only_reply.eml'))).withAppendedReply()).toBe('/close');
  });

  it('untrimmed variants keep the quote; only the -or-only-quotes one accepts a pure quote', async () => {
    const withQuote = await variants(fixture('valid_new_issue_with_quote.eml'));
    expect(await withQuote.includingReply()).toContain('> this is a quote');
    const onlyQuotes = await variants(fixture('valid_new_issue_with_only_quotes.eml'));
    expect(await onlyQuotes.includingReply()).toBe('');
    expect(await onlyQuotes.includingReplyOrOnlyQuotes()).toBe(
      '> This email has been forwarded without new content.\n> There are only quotes.\n> Quote 1\n> Quote 2',
    );
    expect(await (await variants(fixture('service_desk_all_quoted.eml'))).includingReplyOrOnlyQuotes()).toContain(
      '> This is an empty quote',
    );
  });
});
