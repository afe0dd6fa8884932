import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractAttachments, message, messageIncludingReply, messageWithAppendedReply } from '../../src/reply/index.js';

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
    const raw = readFileSync(path);
    for (const variant of [message, messageIncludingReply, messageWithAppendedReply]) {
      expect(typeof variant(raw)).toBe('string');
    }
    const attachments = await extractAttachments(raw);
    for (const a of attachments) expect(a.size).toBe(a.content.length);
    swept += 1;
  });
});
