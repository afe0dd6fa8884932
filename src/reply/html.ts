// HTML mail body → Markdown-ish text, following GitLab's path: links without href are
// unwrapped (Outlook adds them), then an html2text-style walk where em/strong/details/img
// keep their Markdown form (GitLab converts those through Kramdown).
//
// The sender controls the nesting, so every walk here uses an explicit stack, and no step
// re-reads a subtree: texts come from one index built in a single pass, and the output is a
// list of pieces that an element edits only at its ends.
import { DomHandler, Parser } from 'htmlparser2';
import { type Budget, UNLIMITED } from './budget.js';
import { OutputPieces, type Mark } from './htmlOutput.js';
import { pruneQuotedHtml } from './htmlQuotes.js';
import { type HtmlNode, TextIndex } from './htmlText.js';
import { rubyStrip } from './rubyText.js';

const SKIPPED = new Set(['style', 'head', 'title', 'meta', 'script']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const NEWLINE_BEFORE = new Set([...HEADINGS, 'ol', 'ul', 'tr', 'p', 'blockquote']);
// libxml2 (GitLab's parser) does not let <details> close an open <p>; htmlparser2 does.
// Renaming it keeps the tree the same shape as GitLab sees.
const DETAILS = 'postroom-details';
const PRE_MARK = '\u0000pre\u0000';
const HR = '\n---------------------------------------------------------------\n';
// htmlparser2 keeps its open elements in an array it shifts and unshifts, so deep nesting costs
// it more than linear time; fed in slices, the budget is checked (with the clock) between them.
const PARSE_SLICE = 2 * 1024;
const SLICE_STEPS = 1024;

const isElement = (n: HtmlNode | null): boolean => n !== null && n.type === 'tag';
const isText = (n: HtmlNode | null): n is HtmlNode => n !== null && n.type === 'text';

function nextElementName(node: HtmlNode): string | undefined {
  let n = node.next;
  while (n && !isElement(n)) n = n.next;
  return n?.name;
}

function collapse(text: string): string {
  return text.replace(/[\t\n\f\r ]+/g, ' ');
}

type Task =
  | { kind: 'node'; node: HtmlNode }
  | { kind: 'close'; node: HtmlNode; mark: Mark }
  | { kind: 'inline'; nodes: HtmlNode[]; wrap: string }
  | { kind: 'inlineClose'; mark: Mark; wrap: string }
  | { kind: 'emit'; text: string };

class Converter {
  private readonly out = new OutputPieces();
  private readonly tasks: Task[] = [];

  constructor(
    private readonly texts: TextIndex,
    private readonly budget: Budget,
  ) {}

  run(root: HtmlNode): string {
    this.pushNodes(root.children ?? []);
    for (let task = this.tasks.pop(); task; task = this.tasks.pop()) {
      this.budget.check();
      this.step(task);
    }
    return this.out.text();
  }

  private pushNodes(nodes: HtmlNode[]): void {
    for (let i = nodes.length - 1; i >= 0; i -= 1) this.tasks.push({ kind: 'node', node: nodes[i] });
  }

  private step(task: Task): void {
    switch (task.kind) {
      case 'node':
        return this.enter(task.node);
      case 'close':
        this.out.push(this.suffix(task.node));
        if (task.node.name === 'a') this.wrapLink(task.node, task.mark);
        return;
      case 'inline': {
        this.tasks.push({ kind: 'inlineClose', mark: this.out.mark(), wrap: task.wrap });
        return this.pushNodes(task.nodes);
      }
      case 'inlineClose':
        return this.closeInline(task.mark, task.wrap);
      case 'emit':
        return this.out.push(task.text);
    }
  }

  private nextIsText(node: HtmlNode): boolean {
    return isText(node.next) && this.texts.strippedLength(node.next) > 0;
  }

  private enter(node: HtmlNode): void {
    if (node.type === 'text') return this.out.push(collapse(node.data ?? ''));
    if (node.type !== 'tag') return;
    const name = node.name ?? '';
    if (name === 'br' && this.nextIsText(node)) return this.out.push('\n');
    if (SKIPPED.has(name)) return;
    if (name === 'pre') return this.out.push(`\n${PRE_MARK}${this.texts.textOf(node)}${PRE_MARK}`);
    if (this.enterMarkdownElement(node)) return;
    const mark = this.out.mark();
    this.out.push(this.prefix(node));
    this.tasks.push({ kind: 'close', node, mark });
    this.pushNodes(node.children ?? []);
  }

  /** The few elements GitLab converts through Kramdown, so they keep their Markdown form. */
  private enterMarkdownElement(node: HtmlNode): boolean {
    const children = node.children ?? [];
    switch (node.name) {
      case 'em':
        this.tasks.push({ kind: 'inline', nodes: children, wrap: '*' });
        return true;
      case 'strong':
        this.tasks.push({ kind: 'inline', nodes: children, wrap: '**' });
        return true;
      case 'img':
        this.out.push(`![${node.attribs?.alt ?? ''}](${node.attribs?.src ?? ''})`);
        return true;
      case DETAILS: {
        const summary = children.find((c) => c.name === 'summary');
        // Pushed in reverse: the summary comes first whatever its place among the children.
        this.tasks.push({ kind: 'emit', text: '</details>\n\n' });
        this.tasks.push({ kind: 'inline', nodes: children.filter((c) => c !== summary), wrap: '' });
        if (summary) {
          this.tasks.push({ kind: 'emit', text: '</summary>\n' });
          this.tasks.push({ kind: 'inline', nodes: summary.children ?? [], wrap: '' });
          this.tasks.push({ kind: 'emit', text: '<summary>\n' });
        }
        this.out.push('<details>\n');
        return true;
      }
      default:
        return false;
    }
  }

  private prefix(node: HtmlNode): string {
    const name = node.name ?? '';
    if (name === 'hr') return HR;
    if (NEWLINE_BEFORE.has(name)) return '\n';
    if (name === 'div') {
      const parent = node.parent;
      const sameText = parent?.name === 'div' && this.texts.sameStrippedText(parent, node);
      return sameText ? '' : '\n';
    }
    if (name === 'td' || name === 'th') return '\t';
    if (name === 'li') return '- ';
    return '';
  }

  private suffix(node: HtmlNode): string {
    const name = node.name ?? '';
    const next = nextElementName(node);
    if (HEADINGS.has(name) || name === 'li' || name === 'blockquote') return '\n';
    if (name === 'p' || name === 'br') return next !== 'div' ? '\n' : '';
    if (name === 'div') return this.nextIsText(node) || (next !== undefined && next !== 'div') ? '\n' : '';
    return '';
  }

  /** Kramdown's inline text: whitespace collapsed and stripped, then wrapped unless empty. */
  private closeInline(mark: Mark, wrap: string): void {
    this.out.collapseAfter(mark, collapse);
    this.out.stripAfter(mark);
    if (this.out.lengthAfter(mark) === 0) return;
    this.out.seal(mark);
    if (wrap === '') return;
    this.out.insertAfter(mark.anchor, wrap);
    this.out.push(wrap);
  }

  /** html2text's link: `[text](href)`, or just one of them when the other says nothing more. */
  private wrapLink(node: HtmlNode, mark: Mark): void {
    const href = node.attribs?.href;
    const title = node.attribs?.title;
    const out = this.out;
    out.stripAfter(mark);
    if (out.firstChar(mark) === '[' && out.lastChar(mark) === ']') {
      if (title !== undefined) out.replaceAfter(mark, title);
      else out.trimEnds(mark);
    }
    if (out.lengthAfter(mark) === 0 && title !== undefined) out.replaceAfter(mark, title);
    if (href !== undefined && !this.textIsAddress(mark, href)) {
      if (out.lengthAfter(mark) === 0) out.replaceAfter(mark, href);
      else {
        out.insertAfter(mark.anchor, '[');
        out.push(`](${href})`);
      }
    }
    if (HEADINGS.has(nextElementName(node) ?? '')) out.push('\n');
  }

  /** Is the link text the href itself, or the href without its scheme? */
  private textIsAddress(mark: Mark, href: string): boolean {
    const length = this.out.lengthAfter(mark);
    let text: string | undefined;
    for (const scheme of ['', 'mailto:', 'http://', 'https://']) {
      if (href.length !== length + scheme.length || !href.startsWith(scheme)) continue;
      text ??= this.out.textAfter(mark);
      if (href === scheme + text) return true;
    }
    return false;
  }
}

/** A DOM builder that counts its nodes: the memory a conversion takes grows with them. */
class CountingDomHandler extends DomHandler {
  nodes = 0;

  protected override addNode(node: Parameters<DomHandler['addNode']>[0]): void {
    this.nodes += 1;
    super.addNode(node);
  }
}

function parseHtml(source: string, budget: Budget): HtmlNode {
  const handler = new CountingDomHandler();
  const parser = new Parser(handler);
  for (let at = 0; at < source.length; at += PARSE_SLICE) {
    budget.check(SLICE_STEPS);
    budget.checkNodes(handler.nodes);
    parser.write(source.slice(at, at + PARSE_SLICE));
  }
  parser.end();
  return handler.root as unknown as HtmlNode;
}

/** Outlook inserts <a> without href; their brackets would be noise, so keep only the content. */
function unwrapLinksWithoutHref(root: HtmlNode, budget: Budget): void {
  // Children before parents, so a parent splices in children that are already flat.
  const order: HtmlNode[] = [];
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    order.push(node);
    for (const child of node.children ?? []) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i -= 1) {
    budget.check();
    const node = order[i];
    const flat: HtmlNode[] = [];
    for (const child of node.children ?? []) {
      if (child.type === 'tag' && child.name === 'a' && child.attribs?.href === undefined) {
        for (const grandchild of child.children ?? []) {
          grandchild.parent = node;
          flat.push(grandchild);
        }
      } else {
        flat.push(child);
      }
    }
    flat.forEach((c, index) => (c.next = flat[index + 1] ?? null));
    node.children = flat;
  }
}

/** Blanks and tabs at a line break go; spaces next to a tab go (one scan each, no backtracking). */
function tidyBlock(block: string): string {
  const lines = block.split('\n');
  const last = lines.length - 1;
  const trimmed = lines.map((line, i) => {
    let start = 0;
    let end = line.length;
    if (i > 0) while (start < end && (line[start] === ' ' || line[start] === '\t')) start += 1;
    if (i < last) while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t')) end -= 1;
    return line.slice(start, end);
  });
  return withoutSpacesAroundTabs(trimmed.join('\n'));
}

function withoutSpacesAroundTabs(text: string): string {
  if (!text.includes('\t')) return text;
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== ' ' && c !== '\t') {
      let j = i + 1;
      while (j < text.length && text[j] !== ' ' && text[j] !== '\t') j += 1;
      out.push(text.slice(i, j));
      i = j;
      continue;
    }
    let j = i;
    let tabs = 0;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) {
      if (text[j] === '\t') tabs += 1;
      j += 1;
    }
    out.push(tabs > 0 ? '\t'.repeat(tabs) : text.slice(i, j));
    i = j;
  }
  return out.join('');
}

function tidy(text: string): string {
  const blocks = text.split(PRE_MARK);
  const spaced = blocks.map((block, i) => (i % 2 === 1 ? block : tidyBlock(block))).join('');
  return rubyStrip(spaced.replace(/\n\n\n*/g, '\n\n'));
}

export type HtmlOptions = {
  budget?: Budget;
  /** Postroom's trimming: leave out quoted mail, forwarded mail and signatures the client marked. */
  withoutQuotes?: boolean;
};

export function htmlToMarkdown(html: string, options: HtmlOptions = {}): string {
  const budget = options.budget ?? UNLIMITED;
  const source = html
    .replace(/\r\n?/g, '\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\u00a0/g, ' ')
    .replace(/&zwnj;/g, '')
    .replace(/<(\/?)details\b/gi, `<$1${DETAILS}`);
  const root = parseHtml(source, budget);
  unwrapLinksWithoutHref(root, budget);
  if (options.withoutQuotes) pruneQuotedHtml(root, budget);
  const converted = new Converter(new TextIndex(root, budget), budget).run(root);
  return tidy(converted.replace(/\u00a0/g, ' ').replace(/\u200c/g, ''));
}
