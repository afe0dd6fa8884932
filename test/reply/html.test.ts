import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToMarkdown } from '../../src/reply/html.js';
import { selectBody } from '../../src/reply/index.js';

const gitlab = join(import.meta.dirname, '..', 'fixtures', 'gitlab');

describe('HTML to Markdown', () => {
  it("converts GitLab's basic.html exactly as html_to_markdown_parser_spec expects", () => {
    const html = readFileSync(join(gitlab, 'fixtures_lib', 'basic.html'), 'utf8');
    const expected = readFileSync(join(gitlab, 'fixtures_lib', 'basic.expected.md'), 'utf8');
    expect(htmlToMarkdown(html)).toBe(expected);
  });

  it('unwraps links without href instead of bracketing them', () => {
    expect(htmlToMarkdown('<a name="_MailEndCompose">no brackets!</a>')).toBe('no brackets!');
  });

  it('keeps bold, italic and images as Markdown and links as [text](href)', () => {
    expect(
      htmlToMarkdown('<p><strong>b</strong> <em>i</em> <img src="x.png" alt="X"> <a href="http://a.b/">site</a></p>'),
    ).toBe('**b** *i* ![X](x.png) [site](http://a.b/)');
  });

  it('writes a link whose text is its address only once', () => {
    expect(htmlToMarkdown('<a href="http://example.com">http://example.com</a>')).toBe('http://example.com');
  });

  it('turns non-breaking spaces into spaces and keeps <pre> whitespace', () => {
    expect(htmlToMarkdown('<div>a&nbsp;b\u00a0c</div><pre>  x\n   y</pre>')).toBe('a b c\n\n  x\n   y');
  });

  it('selects and flags the HTML part of an HTML-only message', () => {
    const selected = selectBody(readFileSync(join(gitlab, 'fixtures', 'html_only.eml')));
    expect(selected.isHtml).toBe(true);
    expect(selected.text.startsWith('<div dir="ltr"><div>### This is a reply')).toBe(true);
  });
});
