// Postroom's trimming of HTML mail: the quoted and forwarded mail and the signatures that mail
// clients mark in their markup are left out before conversion. A quote is dropped on its own, so
// text written below it stays; a reply header (Outlook's, a rule) ends the reply there.
import type { Budget } from './budget.js';
import type { HtmlNode } from './htmlText.js';
import { quoteHeader } from './quoteLines.js';

// Dropped with their content; what follows them stays. A bare <blockquote> may be the sender's own.
const QUOTE_CLASSES = [
  'gmail_quote', // Gmail, K-9, FairEmail
  'gmail_quote_container',
  'gmail_attr',
  'gmail_signature',
  'moz-cite-prefix', // Thunderbird
  'moz-signature',
  'yahoo_quoted',
  'protonmail_quote',
];
const QUOTE_IDS = ['signature', 'composer_signature'];
// Everything from these on is the mail being answered or forwarded.
const CUT_CLASSES = ['moz-forward-container', 'outlookmessageheader'];
const CUT_IDS = ['divrplyfwdmsg', 'appendonsend', 'mail-editor-reference-message-container'];

function classesOf(node: HtmlNode): string[] {
  return (node.attribs?.class ?? '').toLowerCase().split(/\s+/);
}

const idOf = (node: HtmlNode): string => (node.attribs?.id ?? '').toLowerCase();

/** Text enough to read one quote header: a node's text, stopping after `limit` characters. */
function textNear(node: HtmlNode, limit: number): string {
  let text = '';
  let visited = 0;
  const stack = [node];
  for (let n = stack.pop(); n && text.length < limit && visited < limit; n = stack.pop()) {
    visited += 1;
    if (n.type === 'text') text += n.data ?? '';
    else if (n.name === 'br' || n.name === 'p' || n.name === 'div') text += '\n';
    const children = n.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return text;
}

const HEADER_REACH = 500;

const SIBLINGS_BACK = 4;

const nonBlankLines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** The nearest sibling before the node with text, a few back at most: where "On …, Bob wrote:" stands. */
function textBefore(node: HtmlNode, previous: Map<HtmlNode, HtmlNode>): { sibling?: HtmlNode; lines: string[] } {
  let sibling = previous.get(node);
  for (let steps = 0; sibling && steps < SIBLINGS_BACK; steps += 1, sibling = previous.get(sibling)) {
    const lines = nonBlankLines(textNear(sibling, HEADER_REACH));
    if (lines.length > 0) return { sibling, lines };
  }
  return { lines: [] };
}

/**
 * A blockquote the client marked as a citation, or one a quote header introduces; the nodes to
 * drop with it (the header, when it stands alone before the quote), or null to keep it.
 */
function citation(node: HtmlNode, previous: Map<HtmlNode, HtmlNode>): HtmlNode[] | null {
  const before = textBefore(node, previous);
  const header = before.lines.length > 0 && quoteHeader(before.lines[before.lines.length - 1]) !== null;
  const alone = header && before.lines.length === 1 && before.sibling ? [before.sibling] : [];
  if (node.attribs?.type?.toLowerCase() === 'cite' || header) return [node, ...alone];
  const first = nonBlankLines(textNear(node, HEADER_REACH))[0];
  return first !== undefined && quoteHeader(first) !== null ? [node] : null;
}

/** The nodes a quote takes with it, or null when the node is no quote. */
function quoted(node: HtmlNode, previous: Map<HtmlNode, HtmlNode>): HtmlNode[] | null {
  if (node.name === 'blockquote') return citation(node, previous);
  const classes = classesOf(node);
  return QUOTE_CLASSES.some((c) => classes.includes(c)) || QUOTE_IDS.includes(idOf(node)) ? [node] : null;
}

/** Outlook desktop's reply header sits in a div whose only mark is its top border. */
function isOutlookHeaderBox(node: HtmlNode): boolean {
  const style = (node.attribs?.style ?? '').toLowerCase().replace(/\s+/g, '');
  return node.name === 'div' && style.includes('border-top:solid') && style.includes('padding:');
}

function isCut(node: HtmlNode): boolean {
  if (node.name === 'hr' || isOutlookHeaderBox(node) || CUT_IDS.includes(idOf(node))) return true;
  const classes = classesOf(node);
  return CUT_CLASSES.some((c) => classes.includes(c));
}

/** Removes `node` and everything after it in document order. */
function cutFrom(node: HtmlNode, root: HtmlNode, dropped: Set<HtmlNode>): void {
  dropped.add(node);
  for (let n: HtmlNode | null = node; n && n !== root; n = n.parent) {
    for (let after = n.next; after; after = after.next) dropped.add(after);
  }
}

export function pruneQuotedHtml(root: HtmlNode, budget: Budget): void {
  const dropped = new Set<HtmlNode>();
  const parents = new Set<HtmlNode>();
  const previous = new Map<HtmlNode, HtmlNode>();
  const top = root.children ?? [];
  for (let i = 1; i < top.length; i += 1) previous.set(top[i], top[i - 1]);
  const stack = [...top].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    budget.check();
    if (dropped.has(node) || node.type !== 'tag') continue;
    if (isCut(node)) {
      cutFrom(node, root, dropped);
      for (let n: HtmlNode | null = node; n && n !== root; n = n.parent) if (n.parent) parents.add(n.parent);
      break;
    }
    const quote = quoted(node, previous);
    if (quote) {
      for (const n of quote) dropped.add(n);
      if (node.parent) parents.add(node.parent);
      continue;
    }
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) {
      if (i > 0) previous.set(children[i], children[i - 1]);
      stack.push(children[i]);
    }
  }
  for (const parent of parents) {
    const kept = (parent.children ?? []).filter((c) => !dropped.has(c));
    kept.forEach((c, i) => (c.next = kept[i + 1] ?? null));
    parent.children = kept;
  }
}
