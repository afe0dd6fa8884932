import type { Readable } from 'node:stream';
import { firstField, messageIdOf, readHeaderFields } from '../message/headers.js';
import type { MemoryBudget } from './memoryBudget.js';
import { OwnedPages } from './ownedPages.js';
import { SpillFile } from './spillFile.js';

const CR = 0x0d;
const LF = 0x0a;
// Message-ID is looked for in the header block only, and only this far in.
const HEADER_SCAN_LIMIT = 64 * 1024;

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
      const collected = {
        size,
        oversized,
        held,
        bareLineEnding: scanner.finish(),
        messageId: oversized ? undefined : messageIdOf(firstField(readHeaderFields(header.bytes()), 'message-id')),
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

/** The header block, up to the limit, kept in the pieces it came in: no copy per chunk. */
class HeaderBlock {
  private readonly parts: Buffer[] = [];
  private length = 0;
  private done = false;
  /** The last bytes seen, for a blank line split between chunks. */
  private tail = Buffer.alloc(0);

  feed(chunk: Buffer): void {
    if (this.done) return;
    const joined = Buffer.concat([this.tail, chunk]);
    const end = joined.indexOf('\r\n\r\n');
    const room = HEADER_SCAN_LIMIT - this.length;
    if (end >= 0) {
      this.keep(chunk.subarray(0, Math.min(room, end + 2 - this.tail.length)));
      this.done = true;
      return;
    }
    this.keep(chunk.subarray(0, room));
    this.done = this.length >= HEADER_SCAN_LIMIT;
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 3)));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }

  private keep(part: Buffer): void {
    if (part.length <= 0) return;
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
