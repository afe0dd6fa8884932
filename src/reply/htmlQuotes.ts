// Postroom's trimming of HTML mail: the quoted and forwarded mail and the signatures that mail
// clients mark in their markup are left out before conversion. A quote is dropped on its own, so
// text written below it stays; a reply header (Outlook's, a rule) ends the reply there.
import type { Budget } from './budget.js';
import type { HtmlNode } from './htmlText.js';

// Dropped with their content; what follows them stays.
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

function isQuote(node: HtmlNode): boolean {
  if (node.name === 'blockquote') return true;
  const classes = classesOf(node);
  return QUOTE_CLASSES.some((c) => classes.includes(c)) || QUOTE_IDS.includes(idOf(node));
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
  const stack = [...(root.children ?? [])].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    budget.check();
    if (dropped.has(node) || node.type !== 'tag') continue;
    if (isCut(node)) {
      cutFrom(node, root, dropped);
      for (let n: HtmlNode | null = node; n && n !== root; n = n.parent) if (n.parent) parents.add(n.parent);
      break;
    }
    if (isQuote(node)) {
      dropped.add(node);
      if (node.parent) parents.add(node.parent);
      continue;
    }
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  for (const parent of parents) {
    const kept = (parent.children ?? []).filter((c) => !dropped.has(c));
    kept.forEach((c, i) => (c.next = kept[i + 1] ?? null));
    parent.children = kept;
  }
}
