import { describe, expect, it } from 'vitest';
import { readingBudget, ReplyBudgetExceeded, type Budget } from '../../src/reply/budget.js';
import { htmlToMarkdown } from '../../src/reply/html.js';
import { replyFromBody } from '../../src/reply/index.js';

// Nesting the sender chooses: each case once walked every subtree again per <div> (minutes) or
// overflowed the stack. They now finish within the test's own timeout, with the right text.
const nestedDivs = (depth: number) => `${'<div>'.repeat(depth)}Thanks, that fixed it.${'</div>'.repeat(depth)}`;

/** A Gmail thread where each reply quotes the whole thread before it. */
function nestedGmailQuote(bytes: number): { html: string; replies: number } {
  let html = '<div dir="ltr">The first message.</div>';
  let replies = 1;
  while (html.length < bytes) {
    replies += 1;
    html =
      `<div dir="ltr">Reply number ${replies}.<br></div><br><div class="gmail_quote">` +
      `<div dir="ltr" class="gmail_attr">On Tue, 1 Jan 2019 at 10:00, Bob &lt;bob@example.com&gt; wrote:<br></div>` +
      `<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">${html}</blockquote></div>`;
  }
  return { html, replies };
}

describe('HTML whose nesting the sender controls', () => {
  it.each([4_000, 6_000, 50_000])('converts %i nested divs to their text', (depth) => {
    expect(htmlToMarkdown(nestedDivs(depth))).toBe('Thanks, that fixed it.');
  });

  it('converts a 290 KB nested Gmail quote in full (gitlab) and down to the reply (postroom)', () => {
    const { html, replies } = nestedGmailQuote(290_000);
    expect(html.length).toBeGreaterThan(290_000);
    const full = htmlToMarkdown(html);
    expect(
      full.startsWith(`Reply number ${replies}.\n\nOn Tue, 1 Jan 2019 at 10:00, Bob <bob@example.com> wrote:`),
    ).toBe(true);
    expect(full.match(/^Reply number \d+\.$/gm)).toHaveLength(replies - 1);
    expect(full.endsWith('The first message.')).toBe(true);
    expect(replyFromBody(html, true, { trimming: 'postroom' }).body).toBe(`Reply number ${replies}.`);
  });

  it('converts 20,000 nested <em>, <a> and table cells without copying them per level', () => {
    expect(htmlToMarkdown(`${'<em>'.repeat(20_000)}x  y${'</em>'.repeat(20_000)}`)).toBe(
      `${'*'.repeat(20_000)}x y${'*'.repeat(20_000)}`,
    );
    expect(htmlToMarkdown(`${'<a href="h"> '.repeat(20_000)}x${' </a>'.repeat(20_000)}`)).toBe(
      `${'['.repeat(20_000)}x${'](h)'.repeat(20_000)}`,
    );
    expect(htmlToMarkdown(`${'<td> </td>'.repeat(50_000)}x`)).toBe(`${'\t'.repeat(50_000)}x`.trim());
  });

  it("reads 20,000 nested blockquotes of the sender's own with Postroom's trimming", () => {
    const html = `${'<blockquote>'.repeat(20_000)}Quoted by hand.${'</blockquote>'.repeat(20_000)}`;
    expect(replyFromBody(html, true, { trimming: 'postroom' }).body).toBe('Quoted by hand.');
  });

  it('stops with ReplyBudgetExceeded once the budget is spent', () => {
    let checks = 0;
    const budget: Budget = {
      check() {
        checks += 1;
        if (checks > 10) throw new ReplyBudgetExceeded('spent');
      },
      checkNodes: () => undefined,
    };
    expect(() => htmlToMarkdown(nestedDivs(50_000), { budget })).toThrow(ReplyBudgetExceeded);
    checks = 0;
    expect(() => replyFromBody(nestedDivs(50_000), true, { trimming: 'postroom', budget })).toThrow(
      ReplyBudgetExceeded,
    );
  });

  it('stops an HTML body with more nodes than the budget allows while it is parsed, before its DOM is whole', () => {
    // 100,000 lines of five elements and their texts: some 1,100,000 nodes.
    const html = '<p><b>x</b> <a href="https://example.com/">y</a> <i>z</i></p>\n'.repeat(100_000);
    const seen: number[] = [];
    const budget = readingBudget({ ms: 60_000, maxHtmlNodes: 10_000 });
    const watching: Budget = {
      check: (steps) => budget.check(steps),
      checkNodes: (nodes) => {
        seen.push(nodes);
        budget.checkNodes(nodes);
      },
    };
    expect(() => htmlToMarkdown(html, { budget: watching })).toThrow(
      /more than 10000 elements and texts, more than worker.heap_limit lets routing convert/,
    );
    // Parsing stopped within a slice of the limit: the rest of the document was never built.
    expect(Math.max(...seen)).toBeLessThan(12_000);
    // Within the limit, the same markup converts.
    const within = htmlToMarkdown(html.slice(0, 600), { budget: readingBudget({ ms: 60_000, maxHtmlNodes: 10_000 }) });
    expect(within).toContain('x [y](https://example.com/) z');
  });
});
