// The converter's output: a linked list of text pieces. An element's output is always the tail of
// the list when it closes, and it is edited only at its two ends (strip, brackets) or dropped
// whole, so nested elements never copy what their children wrote.

type Piece = {
  text: string;
  prev: Piece | null;
  next: Piece | null;
  /** The last piece of an inline run that is already collapsed and stripped. */
  sealedTo?: Piece;
};

/** Where an element's output starts: after `anchor`, at total length `before`. */
export type Mark = { anchor: Piece; before: number };

const LEADING = '\t\n\v\f\r ';
const TRAILING = `${LEADING}\0`;

export class OutputPieces {
  private readonly head: Piece = { text: '', prev: null, next: null };
  private tail: Piece = this.head;
  private length = 0;

  mark(): Mark {
    return { anchor: this.tail, before: this.length };
  }

  push(text: string): void {
    if (text === '') return;
    const piece: Piece = { text, prev: this.tail, next: null };
    this.tail.next = piece;
    this.tail = piece;
    this.length += text.length;
  }

  insertAfter(anchor: Piece, text: string): void {
    if (anchor === this.tail) return this.push(text);
    const piece: Piece = { text, prev: anchor, next: anchor.next };
    (anchor.next as Piece).prev = piece;
    anchor.next = piece;
    this.length += text.length;
  }

  private setText(piece: Piece, text: string): void {
    this.length += text.length - piece.text.length;
    if (text !== '') {
      piece.text = text;
      return;
    }
    (piece.prev as Piece).next = piece.next;
    if (piece.next) piece.next.prev = piece.prev;
    else this.tail = piece.prev as Piece;
  }

  lengthAfter(mark: Mark): number {
    return this.length - mark.before;
  }

  firstChar(mark: Mark): string | undefined {
    return this.lengthAfter(mark) > 0 ? mark.anchor.next?.text[0] : undefined;
  }

  lastChar(mark: Mark): string | undefined {
    return this.lengthAfter(mark) > 0 ? this.tail.text[this.tail.text.length - 1] : undefined;
  }

  textAfter(mark: Mark): string {
    const parts: string[] = [];
    for (let p = mark.anchor.next; p; p = p.next) parts.push(p.text);
    return parts.join('');
  }

  text(): string {
    return this.textAfter({ anchor: this.head, before: 0 });
  }

  replaceAfter(mark: Mark, text: string): void {
    mark.anchor.next = null;
    this.tail = mark.anchor;
    this.length = mark.before;
    this.push(text);
  }

  /** rubyStrip of everything after the mark; it stops at the first kept character on each side. */
  stripAfter(mark: Mark): void {
    for (let p = mark.anchor.next; p; p = mark.anchor.next) {
      let i = 0;
      while (i < p.text.length && LEADING.includes(p.text[i])) i += 1;
      if (i > 0) this.setText(p, p.text.slice(i));
      if (i < p.text.length) break;
    }
    while (this.tail !== mark.anchor) {
      const p = this.tail;
      let j = p.text.length;
      while (j > 0 && TRAILING.includes(p.text[j - 1])) j -= 1;
      if (j < p.text.length) this.setText(p, p.text.slice(0, j));
      if (j > 0) break;
    }
  }

  /** Drops the first and the last character after the mark. */
  trimEnds(mark: Mark): void {
    const first = mark.anchor.next as Piece;
    this.setText(first, first.text.slice(1));
    this.setText(this.tail, this.tail.text.slice(0, -1));
  }

  /**
   * Collapses whitespace after the mark as one text: each piece is collapsed, a blank that would
   * follow another across a piece boundary goes, and sealed runs (already collapsed, with no
   * blank at either end) are stepped over without being read.
   */
  collapseAfter(mark: Mark, collapse: (text: string) => string): void {
    let blankBefore = false;
    for (let p = mark.anchor.next; p;) {
      if (p.sealedTo) {
        blankBefore = false;
        p = p.sealedTo.next;
        continue;
      }
      const next: Piece | null = p.next;
      let text = collapse(p.text);
      if (blankBefore && text.startsWith(' ')) text = text.slice(1);
      if (text !== '') blankBefore = text.endsWith(' ');
      this.setText(p, text);
      p = next;
    }
  }

  /** Marks everything after the mark as one collapsed, stripped run. */
  seal(mark: Mark): void {
    const first = mark.anchor.next;
    if (first) first.sealedTo = this.tail;
  }
}
