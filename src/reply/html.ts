// HTML mail body → Markdown-ish text, following GitLab's path: links without href are
// unwrapped (Outlook adds them), then an html2text-style walk where em/strong/details/img
// keep their Markdown form (GitLab converts those through Kramdown).
import { parseDocument } from 'htmlparser2';
import { rubyStrip } from './rubyText.js';

type Node = {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: Node[];
  parent: Node | null;
  next: Node | null;
};

const SKIPPED = new Set(['style', 'head', 'title', 'meta', 'script']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
// libxml2 (GitLab's parser) does not let <details> close an open <p>; htmlparser2 does.
// Renaming it keeps the tree the same shape as GitLab sees.
const DETAILS = 'postroom-details';
const PRE_MARK = '\u0000pre\u0000';

const isElement = (n: Node | null): boolean => n !== null && n.type === 'tag';
const isText = (n: Node | null): boolean => n !== null && n.type === 'text';

function textOf(node: Node): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}

function nextElementName(node: Node): string | undefined {
  let n = node.next;
  while (n && !isElement(n)) n = n.next;
  return n?.name;
}

function nextIsText(node: Node): boolean {
  return isText(node.next) && rubyStrip(textOf(node.next as Node)) !== '';
}

function collapse(text: string): string {
  return text.replace(/[\t\n\f\r ]+/g, ' ');
}

function prefix(node: Node): string {
  const name = node.name ?? '';
  if (name === 'hr') return '\n---------------------------------------------------------------\n';
  if (HEADINGS.has(name) || ['ol', 'ul', 'tr', 'p', 'blockquote'].includes(name)) return '\n';
  if (name === 'div') {
    const parent = node.parent;
    const sameText = parent?.name === 'div' && rubyStrip(textOf(parent)) === rubyStrip(textOf(node));
    return sameText ? '' : '\n';
  }
  if (name === 'td' || name === 'th') return '\t';
  if (name === 'li') return '- ';
  return '';
}

function suffix(node: Node): string {
  const name = node.name ?? '';
  const next = nextElementName(node);
  if (HEADINGS.has(name) || name === 'li' || name === 'blockquote') return '\n';
  if (name === 'p' || name === 'br') return next !== 'div' ? '\n' : '';
  if (name === 'div') return nextIsText(node) || (next !== undefined && next !== 'div') ? '\n' : '';
  return '';
}

function wrapLink(node: Node, inner: string): string {
  const href = node.attribs?.href;
  const title = node.attribs?.title;
  let text = rubyStrip(inner);
  if (text.startsWith('[') && text.endsWith(']')) text = title ?? text.slice(1, -1);
  if (text === '' && title !== undefined) text = title;
  if (href !== undefined && ![text, `mailto:${text}`, `http://${text}`, `https://${text}`].includes(href)) {
    text = text === '' ? href : `[${text}](${href})`;
  }
  if (HEADINGS.has(nextElementName(node) ?? '')) text += '\n';
  return text;
}

/** The Markdown GitLab gets from Kramdown for the few elements it keeps. */
function markdownElement(node: Node): string | undefined {
  const inline = (nodes: Node[]): string => rubyStrip(collapse(nodes.map(convert).join('')));
  switch (node.name) {
    case 'em': {
      const inner = inline(node.children ?? []);
      return inner === '' ? '' : `*${inner}*`;
    }
    case 'strong': {
      const inner = inline(node.children ?? []);
      return inner === '' ? '' : `**${inner}**`;
    }
    case 'img':
      return `![${node.attribs?.alt ?? ''}](${node.attribs?.src ?? ''})`;
    case DETAILS: {
      const children = node.children ?? [];
      const summary = children.find((c) => c.name === 'summary');
      const rest = inline(children.filter((c) => c !== summary));
      const head = summary ? `<summary>\n${inline(summary.children ?? [])}</summary>\n` : '';
      return `<details>\n${head}${rest}</details>\n\n`;
    }
    default:
      return undefined;
  }
}

function convert(node: Node): string {
  if (node.type === 'text') return collapse(node.data ?? '');
  if (node.type !== 'tag' && node.type !== 'root') return '';
  const name = node.name ?? '';
  if (name === 'br' && nextIsText(node)) return '\n';
  if (SKIPPED.has(name)) return '';
  if (name === 'pre') return `\n${PRE_MARK}${textOf(node)}${PRE_MARK}`;
  const markdown = markdownElement(node);
  if (markdown !== undefined) return markdown;
  const inner = prefix(node) + (node.children ?? []).map(convert).join('') + suffix(node);
  return name === 'a' ? wrapLink(node, inner) : inner;
}

/** Outlook inserts <a> without href; their brackets would be noise, so keep only the content. */
function unwrapLinksWithoutHref(node: Node): void {
  const children = node.children ?? [];
  const flat: Node[] = [];
  for (const child of children) {
    unwrapLinksWithoutHref(child);
    if (child.type === 'tag' && child.name === 'a' && child.attribs?.href === undefined) {
      for (const grandchild of child.children ?? []) {
        grandchild.parent = node;
        flat.push(grandchild);
      }
    } else {
      flat.push(child);
    }
  }
  flat.forEach((c, i) => (c.next = flat[i + 1] ?? null));
  node.children = flat;
}

function tidy(text: string): string {
  const blocks = text.split(PRE_MARK);
  const spaced = blocks
    .map((block, i) => (i % 2 === 1 ? block : block.replace(/[ \t]*\n[ \t]*/g, '\n').replace(/ *\t */g, '\t')))
    .join('');
  return rubyStrip(spaced.replace(/\n\n\n*/g, '\n\n'));
}

export function htmlToMarkdown(html: string): string {
  const source = html
    .replace(/\r\n?/g, '\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/\u00a0/g, ' ')
    .replace(/&zwnj;/g, '')
    .replace(/<(\/?)details\b/gi, `<$1${DETAILS}`);
  const doc = parseDocument(source) as unknown as Node;
  unwrapLinksWithoutHref(doc);
  return tidy(
    convert(doc)
      .replace(/\u00a0/g, ' ')
      .replace(/\u200c/g, ''),
  );
}
