const FIRST_PAGE_BYTES = 8 * 1024;
const LARGEST_PAGE_BYTES = 1024 * 1024;

/**
 * Message bytes copied, as they arrive, into pages this message alone owns. The socket's read
 * buffers are let go at once, and the pages can later be moved (not copied) to the spool's
 * writer thread. Pages double from 8 KiB to 1 MiB, so a small message wastes little.
 */
export class OwnedPages {
  private readonly pages: Buffer[] = [];
  private used = 0;
  size = 0;

  write(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      let page = this.pages[this.pages.length - 1];
      if (!page || this.used === page.length) {
        page = Buffer.allocUnsafeSlow(Math.min(LARGEST_PAGE_BYTES, FIRST_PAGE_BYTES * 2 ** this.pages.length));
        this.pages.push(page);
        this.used = 0;
      }
      const copied = chunk.copy(page, this.used, from);
      this.used += copied;
      from += copied;
    }
    this.size += chunk.length;
  }

  /** Views of the filled part of each page, in order. */
  views(): Buffer[] {
    return this.pages.map((page, i) => (i === this.pages.length - 1 ? page.subarray(0, this.used) : page));
  }

  clear(): void {
    this.pages.length = 0;
    this.used = 0;
  }
}

/** The parts joined in a buffer of its own (a small one from Buffer.from or concat may share Node's pool with others). */
export function owned(...parts: Buffer[]): Buffer {
  const copy = Buffer.allocUnsafeSlow(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) at += part.copy(copy, at);
  return copy;
}
