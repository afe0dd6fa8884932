import type { Readable } from 'node:stream';
import { firstField, messageIdOf, readHeaderFields } from '../message/headers.js';
import { OwnedPages } from './ownedPages.js';

const CR = 0x0d;
const LF = 0x0a;
// Message-ID is looked for in the header block only, and only this far in.
const HEADER_SCAN_LIMIT = 64 * 1024;

export interface CollectedMessage {
  /** The message in pages it owns alone (see OwnedPages). */
  chunks: Buffer[];
  size: number;
  /** True once more than the limit arrived: the chunks are then dropped, not kept. */
  oversized: boolean;
  /** A CR or LF that is not part of a CRLF pair: the raw material of SMTP smuggling. */
  bareLineEnding: boolean;
  messageId?: string;
}

/**
 * Drains a DATA stream into pages of its own, watching the two things the SMTP layer must
 * decide on before the spool sees the message.
 */
export function collectMessage(stream: Readable, maxSize: number): Promise<CollectedMessage> {
  return new Promise((resolve, reject) => {
    const pages = new OwnedPages();
    const scanner = new LineEndingScanner();
    let size = 0;
    let oversized = false;
    let header = Buffer.alloc(0);
    let headerDone = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxSize) {
        oversized = true;
        pages.clear();
        return;
      }
      scanner.feed(chunk);
      pages.write(chunk);
      if (!headerDone) {
        header = Buffer.concat([header, chunk]);
        const end = header.indexOf('\r\n\r\n');
        if (end >= 0 || header.length >= HEADER_SCAN_LIMIT) {
          headerDone = true;
          header = header.subarray(0, end >= 0 ? end + 2 : HEADER_SCAN_LIMIT);
        }
      }
    });
    stream.once('error', reject);
    stream.once('end', () => {
      resolve({
        chunks: oversized ? [] : pages.views(),
        size,
        oversized,
        bareLineEnding: scanner.finish(),
        messageId: oversized ? undefined : messageIdOf(firstField(readHeaderFields(header), 'message-id')),
      });
    });
  });
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
