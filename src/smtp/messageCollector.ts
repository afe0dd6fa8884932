import type { Readable } from 'node:stream';
import { firstField, HEAD_SCAN_BYTES, messageIdOf, readHeaderFields } from '../message/headers.js';
import type { MemoryBudget } from './memoryBudget.js';
import { OwnedPages } from './ownedPages.js';
import { SpillFile } from './spillFile.js';

const CR = 0x0d;
const LF = 0x0a;

export interface CollectedMessage {
  /** The message in pages it owns alone (see OwnedPages); empty when it went to a spill file. */
  chunks: Buffer[];
  /** Where the message went instead of memory: past the per-message threshold or the shared budget. */
  spill?: SpillFile;
  /** Bytes of the memory budget the chunks hold: give them back once the spool has them. */
  held: number;
  size: number;
  /** True once more than the limit arrived: the bytes are then dropped, not kept. */
  oversized: boolean;
  /** A CR or LF that is not part of a CRLF pair: the raw material of SMTP smuggling. */
  bareLineEnding: boolean;
  messageId?: string;
  /** The header block (a copy of its own), or undefined past the scan limit. */
  head?: Buffer;
}

export interface CollectOptions {
  maxSize: number;
  budget: MemoryBudget;
  /** A message larger than this goes to disk as it arrives. */
  spillThreshold: number;
  /** A fresh path for a spill file. */
  spillPath: () => string;
}

/**
 * Drains a DATA stream into pages of its own, or into a spill file once the message outgrows
 * its share of memory, watching the two things the SMTP layer must decide on before the spool
 * sees the message.
 */
export function collectMessage(stream: Readable, options: CollectOptions): Promise<CollectedMessage> {
  const { maxSize, budget, spillThreshold } = options;
  return new Promise((resolve, reject) => {
    const pages = new OwnedPages();
    const scanner = new LineEndingScanner();
    const header = new HeaderBlock();
    let held = 0;
    let spill: SpillFile | undefined;
    let size = 0;
    let oversized = false;
    const letGo = () => {
      pages.clear();
      budget.give(held);
      held = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (oversized) return;
      if (size > maxSize) {
        oversized = true;
        letGo();
        return;
      }
      scanner.feed(chunk);
      header.feed(chunk);
      if (!spill && (size > spillThreshold || !budget.take(chunk.length))) {
        spill = new SpillFile(options.spillPath(), stream);
        for (const page of pages.views()) spill.write(page);
        letGo();
      }
      if (spill) spill.write(chunk);
      else {
        pages.write(chunk);
        held += chunk.length;
      }
    });
    stream.once('error', (error) => {
      letGo();
      const failed = () => reject(error);
      if (spill) spill.discard().then(failed, failed);
      else failed();
    });
    stream.once('end', () => {
      const block = oversized ? undefined : header.bytes();
      const collected = {
        size,
        oversized,
        held,
        bareLineEnding: scanner.finish(),
        messageId: block && messageIdOf(firstField(readHeaderFields(block), 'message-id')),
        head: block && header.head(size, block),
      };
      if (!spill) return resolve({ ...collected, chunks: oversized ? [] : pages.views() });
      const file = spill;
      file.finish().then(
        () => resolve({ ...collected, chunks: [], spill: file }),
        (error: unknown) => {
          const failed = () => reject(error instanceof Error ? error : new Error(String(error)));
          file.discard().then(failed, failed);
        },
      );
    });
  });
}

/**
 * The header block (through the CRLF that ends its last field, the empty line not included),
 * copied as it arrives up to the scan limit: what the Message-ID is read from, and what sender
 * authentication reads, whether the message stays in memory or goes to a spill file.
 */
class HeaderBlock {
  private readonly parts: Buffer[] = [];
  /** Bytes kept so far: every byte seen, until the block's end is found or the limit reached. */
  private length = 0;
  /** Where the block ends, once its blank line was seen within the limit. */
  private end: number | undefined;
  /** The last bytes kept, for a blank line split between chunks. */
  private tail = Buffer.alloc(0);

  feed(chunk: Buffer): void {
    if (this.end !== undefined || this.length >= HEAD_SCAN_BYTES) return;
    const found = this.blankLine(chunk);
    const stop = found === undefined ? HEAD_SCAN_BYTES : Math.min(found, HEAD_SCAN_BYTES);
    this.keep(chunk.subarray(0, Math.max(0, stop - this.length)));
    if (found !== undefined) this.end = found <= HEAD_SCAN_BYTES ? found : undefined;
    this.tail = Buffer.from(Buffer.concat([this.tail, chunk.subarray(-3)]).subarray(-3));
  }

  /** What was kept: the whole block, or its first HEAD_SCAN_BYTES when it is longer. */
  bytes(): Buffer {
    return Buffer.concat(this.parts, this.end ?? this.length);
  }

  /**
   * The whole block, or undefined when it did not end within the limit (a message of headers
   * alone is all block); `bytes` is what `bytes()` gave.
   */
  head(size: number, bytes: Buffer): Buffer | undefined {
    if (this.end !== undefined) return bytes;
    return size === this.length ? bytes : undefined;
  }

  /** Where the block ends (after its last field's CRLF) if the blank line ends in this chunk. */
  private blankLine(chunk: Buffer): number | undefined {
    const across = Buffer.concat([this.tail, chunk.subarray(0, 3)]).indexOf('\r\n\r\n');
    if (across >= 0) return this.length - this.tail.length + across + 2;
    const inside = chunk.indexOf('\r\n\r\n');
    return inside >= 0 ? this.length + inside + 2 : undefined;
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    // A copy: a view would keep the whole read buffer it belongs to alive.
    this.parts.push(Buffer.from(part));
    this.length += part.length;
  }
}

/** Finds bare CR or LF across chunk boundaries, jumping between line ends with native search. */
export class LineEndingScanner {
  /** The chunk before ended in CR: the next byte must be LF. */
  private pendingCr = false;
  private bare = false;

  feed(chunk: Buffer): void {
    if (this.bare || chunk.length === 0) return;
    if (this.pendingCr && chunk[0] !== LF) {
      this.bare = true;
      return;
    }
    // Every LF must follow a CR, and every CR must precede an LF.
    for (let lf = chunk.indexOf(LF, this.pendingCr ? 1 : 0); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
      if (lf === 0 || chunk[lf - 1] !== CR) {
        this.bare = true;
        return;
      }
    }
    for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
      if (cr === chunk.length - 1) break;
      if (chunk[cr + 1] !== LF) {
        this.bare = true;
        return;
      }
    }
    this.pendingCr = chunk[chunk.length - 1] === CR;
  }

  finish(): boolean {
    return this.bare || this.pendingCr;
  }
}
