/**
 * Bytes of messages that routing holds at once. Routing a message costs several times its size
 * (the raw bytes, decoded parts, strings), so a count of messages alone would let a few large ones
 * take the thread's memory. A message waits, in arrival order, while those in flight leave too
 * little room; when nothing is in flight it goes ahead, however large.
 */
export class BytesInFlight {
  private held = 0;
  private readonly waiting: { bytes: number; admit: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Resolves once `bytes` may be held, with the function that gives them back. */
  hold(bytes: number): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({ bytes, admit: () => resolve(this.releaser(bytes)) });
      this.admitWaiting();
    });
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && (this.held === 0 || this.held + this.waiting[0].bytes <= this.limit)) {
      const next = this.waiting.shift()!;
      this.held += next.bytes;
      next.admit();
    }
  }

  private releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
      this.admitWaiting();
    };
  }
}
