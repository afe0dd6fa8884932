// The text content of every node of a parsed HTML document, from one pass over it. An element's
// text is a slice of the document's text, so comparing two of them never re-reads a subtree.
import type { Budget } from './budget.js';

export type HtmlNode = {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: HtmlNode[];
  parent: HtmlNode | null;
  next: HtmlNode | null;
};

// rubyStrip's sets: leading blanks, and trailing blanks or NULs.
const LEADING = new Set(['\t', '\n', '\v', '\f', '\r', ' ']);
const TRAILING = new Set([...LEADING, '\0']);

export class TextIndex {
  private readonly text: string;
  private readonly start = new Map<HtmlNode, number>();
  private readonly end = new Map<HtmlNode, number>();
  /** firstKept[i]: the first index ≥ i that a leading strip keeps. */
  private readonly firstKept: Int32Array;
  /** keptEnd[i]: one past the last index < i that a trailing strip keeps (0 when none). */
  private readonly keptEnd: Int32Array;

  constructor(root: HtmlNode, budget: Budget) {
    const pieces: string[] = [];
    let length = 0;
    const stack: { node: HtmlNode; leaving: boolean }[] = [{ node: root, leaving: false }];
    for (let entry = stack.pop(); entry; entry = stack.pop()) {
      budget.check();
      const { node } = entry;
      if (entry.leaving) {
        this.end.set(node, length);
        continue;
      }
      this.start.set(node, length);
      if (node.type === 'text') {
        const data = node.data ?? '';
        pieces.push(data);
        length += data.length;
        this.end.set(node, length);
        continue;
      }
      stack.push({ node, leaving: true });
      const children = node.children ?? [];
      for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i], leaving: false });
    }
    this.text = pieces.join('');
    const n = this.text.length;
    this.firstKept = new Int32Array(n + 1);
    this.firstKept[n] = n;
    for (let i = n - 1; i >= 0; i -= 1) this.firstKept[i] = LEADING.has(this.text[i]) ? this.firstKept[i + 1] : i;
    this.keptEnd = new Int32Array(n + 1);
    for (let i = 0; i < n; i += 1) this.keptEnd[i + 1] = TRAILING.has(this.text[i]) ? this.keptEnd[i] : i + 1;
  }

  textOf(node: HtmlNode): string {
    return this.text.slice(this.start.get(node) ?? 0, this.end.get(node) ?? 0);
  }

  /** Where rubyStrip(textOf(node)) lies in the document's text. */
  private stripped(node: HtmlNode): [number, number] {
    const start = this.start.get(node) ?? 0;
    const end = this.end.get(node) ?? 0;
    const from = Math.min(this.firstKept[start], end);
    return [from, Math.max(this.keptEnd[end], from)];
  }

  strippedLength(node: HtmlNode): number {
    const [from, to] = this.stripped(node);
    return to - from;
  }

  /**
   * rubyStrip(textOf(outer)) === rubyStrip(textOf(inner)) for a node inside another: the inner
   * stripped text lies within the outer one, so they are equal exactly when their lengths are.
   */
  sameStrippedText(outer: HtmlNode, inner: HtmlNode): boolean {
    return this.strippedLength(outer) === this.strippedLength(inner);
  }
}
