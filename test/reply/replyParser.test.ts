import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  message,
  messageIncludingReply,
  messageIncludingReplyOrOnlyQuotes,
  messageWithAppendedReply,
  parseReply,
  parseReplyText,
} from '../../src/reply/index.js';

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
    const actual = await parseReply(raw, options);
    expect(actual).toEqual(file.endsWith('.json') ? JSON.parse(expected) : expected);
    passed += 1;
  });
});

describe('ReplyParser rules (EXPECTED.md)', () => {
  it('empty and header-less junk give an empty reply', async () => {
    expect(await parseReply('')).toBe('');
    expect(await parseReply('asdf'.repeat(30))).toBe('');
  });

  it('refuses allowOnlyQuotes together with trimming', () => {
    expect(() => parseReplyText(fixture('valid_reply.eml'), { allowOnlyQuotes: true })).toThrow(/allowOnlyQuotes/);
  });

  it('a reply of only a delimiter and quotes is empty', () => {
    expect(message(fixture('no_content_with_quote.eml'))).toBe('');
  });

  it('quoted-printable German bullet list keeps its umlauts and items', () => {
    const text = message(fixture('bullet_list_reply_quoted_printable.eml'));
    for (const phrase of ['würde ich', 'ändern, dass sie kürzer ist', 'Eine weitere Anpassung.']) {
      expect(text).toContain(phrase);
    }
  });

  it('a plain reply keeps its text and sign-off', () => {
    const text = message(fixture('valid_reply.eml'));
    expect(text).toContain('I could not disagree more.');
    expect(text.endsWith('- Jake out')).toBe(true);
  });

  it('Shift_JIS body without a charset and ISO-8859-2 base64 are decoded', () => {
    expect(message(fixture('service_desk_reply_illegal_utf8.eml'))).toContain('ピーター・ジョーンズ');
    expect(message(fixture('service_desk_encoding.eml'))).toBe('Body of encoding iso-8859-2 test: ťžščľžťťč');
  });

  it('a message without Content-Type is read as UTF-8 text', () => {
    expect(message(fixture('no_content_type.eml'))).toBe('Test.');
  });
});

describe('message variants (§3.3)', () => {
  it('issue replies get the quote appended in <details>', () => {
    const text = messageWithAppendedReply(fixture('commands_in_reply.eml'));
    expect(text.startsWith('Cool!\n\n/close\n/todo\n\n<details><summary>...</summary>\n\nOn Sun, Jun 9, 2013')).toBe(
      true,
    );
    expect(text.endsWith('>\n\n</details>')).toBe(true);
  });

  it('merge request replies use the trimmed message without <details>', () => {
    expect(message(fixture('commands_in_reply.eml'))).toBe('Cool!\n\n/close\n/todo');
  });

  it('a reply of only quick actions gets no <details>', () => {
    expect(messageWithAppendedReply(fixture('commands_only_reply.eml'))).toBe('/close\n/todo');
    expect(messageWithAppendedReply(fixture('update_commands_only_reply.eml'))).toBe('/close');
  });

  it('untrimmed variants keep the quote; only the -or-only-quotes one accepts a pure quote', () => {
    expect(messageIncludingReply(fixture('valid_new_issue_with_quote.eml'))).toContain('> this is a quote');
    expect(messageIncludingReply(fixture('valid_new_issue_with_only_quotes.eml'))).toBe('');
    expect(messageIncludingReplyOrOnlyQuotes(fixture('valid_new_issue_with_only_quotes.eml'))).toBe(
      '> This email has been forwarded without new content.\n> There are only quotes.\n> Quote 1\n> Quote 2',
    );
    expect(messageIncludingReplyOrOnlyQuotes(fixture('service_desk_all_quoted.eml'))).toContain(
      '> This is an empty quote',
    );
  });

  it('attachment links are appended after the body, before the <details> block', () => {
    const text = messageWithAppendedReply(fixture('valid_reply.eml'), {
      attachmentLinks: ['![image](uploads/image.png)'],
    });
    expect(text).toContain('- Jake out\n\n![image](uploads/image.png)\n\n<details><summary>...</summary>');
  });
});
