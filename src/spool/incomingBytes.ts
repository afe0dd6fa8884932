import { closeSync, openSync, readSync } from 'node:fs';
import type { IncomingMessage } from './types.js';

/**
 * A message's bytes in order, in pieces of at most `pieceBytes`: its chunks, then its spill file
 * (from `spillOffset` on) read as it goes. With `scratch`, file pieces are read into it and each
 * is valid only until the next is asked for (for a consumer that copies, such as a statement
 * binding a blob).
 */
export function* messagePieces(message: IncomingMessage, pieceBytes: number, scratch?: Buffer): Generator<Buffer> {
  for (const chunk of message.chunks)
    for (let at = 0; at < chunk.length; at += pieceBytes) yield chunk.subarray(at, at + pieceBytes);
  if (message.spillFile === undefined) return;
  let left = message.size - message.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  let position = message.spillOffset ?? 0;
  const fd = openSync(message.spillFile, 'r');
  try {
    while (left > 0) {
      const piece = scratch
        ? scratch.subarray(0, Math.min(pieceBytes, left))
        : Buffer.allocUnsafe(Math.min(pieceBytes, left));
      const read = readSync(fd, piece, 0, piece.length, position);
      if (read === 0) throw new Error(`spill file ${message.spillFile} ends ${left} bytes short`);
      left -= read;
      position += read;
      yield piece.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
