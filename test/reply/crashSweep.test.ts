import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachmentsOf } from '../../src/receiver/attachments.js';
import { readMail } from '../../src/receiver/mail.js';
import { mailTextOf } from '../../src/receiver/mailText.js';

// Odd and broken MIME from two parsers' test suites (MIT, see each SOURCE.md): none may throw.
const fixtures = join(import.meta.dirname, '..', 'fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const files = [
  ...filesUnder(join(fixtures, 'mailparser', 'fixtures')),
  ...filesUnder(join(fixtures, 'ruby-mail-gem', 'spec')),
]
  .filter((path) => !path.endsWith('.gitattributes'))
  .sort();
let swept = 0;
afterAll(() => console.log(`crash sweep: ${swept}/${files.length} files parsed without throwing`));

describe('no-crash sweep over mailparser and mail gem fixtures', () => {
  it('found the corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files.map((path) => [relative(fixtures, path), path]))('%s', async (_name, path) => {
    const read = await readMail(readFileSync(path));
    if (read.ok) {
      for (const trimming of ['gitlab', 'postroom'] as const) {
        const text = mailTextOf(read.mail, { trimming, budgetMs: 60_000 }, Infinity);
        for (const trimReply of [true, false])
          expect(typeof (await text.body({ trimReply, allowOnlyQuotes: false }))).toBe('string');
        expect(typeof (await text.bodyWithElided()).elided).toBe('string');
      }
      for (const a of await attachmentsOf(read.mail)) expect(Buffer.isBuffer(a.content)).toBe(true);
    }
    swept += 1;
  });
});
