import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UNLIMITED } from '../../src/reply/budget.js';
import { replyFromBody, type TrimmingMode } from '../../src/reply/index.js';
import { trimPostroom } from '../../src/reply/postroomTrimmer.js';
import { rubyStrip } from '../../src/reply/rubyText.js';

// Postroom's own corpus (see its README) and the GitLab fixtures' expected replies, read in both modes.
const corpus = join(import.meta.dirname, '..', 'fixtures', 'postroom-replies');
const cases = readdirSync(corpus)
  .filter((f) => /\.(txt|html)$/.test(f) && !f.endsWith('.expected.txt'))
  .sort();
const read = (name: string) => readFileSync(join(corpus, name), 'utf8');
const expectedOf = (file: string) => read(file.replace(/\.(txt|html)$/, '.expected.txt')).replace(/\n$/, '');
const replyOf = (file: string, trimming: TrimmingMode) =>
  replyFromBody(read(file), file.endsWith('.html'), { trimming }).body.trim();

const score: Record<TrimmingMode, number> = { gitlab: 0, postroom: 0 };
afterAll(() => {
  for (const mode of ['gitlab', 'postroom'] as const)
    console.log(`postroom-replies corpus, trimming ${mode}: ${score[mode]}/${cases.length}`);
});

describe("Postroom's reply corpus", () => {
  it('has cases for every failure kind and client format', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((f) => f.endsWith('.html')).length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (file) => {
    const expected = expectedOf(file);
    if (replyOf(file, 'gitlab') === expected) score.gitlab += 1;
    expect(replyOf(file, 'postroom')).toBe(expected);
    score.postroom += 1;
  });

  it("agrees with the Discourse trimmer's own expectations on most of its corpus", () => {
    const gem = join(import.meta.dirname, '..', 'fixtures', 'email_reply_trimmer');
    const emails = readdirSync(join(gem, 'emails')).filter((f) => f.endsWith('.txt'));
    const agree = emails.filter((name) => {
      const email = rubyStrip(readFileSync(join(gem, 'emails', name), 'utf8'));
      const trimmed = rubyStrip(readFileSync(join(gem, 'trimmed', name), 'utf8'));
      return (trimPostroom(email, UNLIMITED)?.trimmed ?? '') === trimmed;
    }).length;
    console.log(`email_reply_trimmer corpus, trimming postroom agrees: ${agree}/${emails.length}`);
    // The rest are cases where Postroom keeps text below a quote or cuts what the gem keeps on purpose.
    expect(agree).toBeGreaterThanOrEqual(53);
  });

  it('never leaves a reply with text of its own empty', () => {
    for (const file of cases) expect(replyOf(file, 'postroom')).not.toBe('');
  });
});
