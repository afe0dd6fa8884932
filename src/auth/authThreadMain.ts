import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { authenticateMessage } from './authenticate.js';
import type { AuthReply, AuthRequest, AuthSource, AuthThreadOptions } from './authThread.js';
import { cachedResolver } from './resolver.js';
import { temporaryFailure } from './results.js';

/** The authentication thread: one DNS cache for every message, mailauth for each. */
const options = workerData as AuthThreadOptions;
const resolver = cachedResolver(options.dns);
const port = parentPort!;
port.on('message', (request: AuthRequest) => {
  authenticateMessage(input(request.source), request.client, { authservId: options.authservId, resolver }).then(
    (results) => port.postMessage({ id: request.id, results } satisfies AuthReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        results: temporaryFailure(request.client, error instanceof Error ? error.message : String(error)),
      } satisfies AuthReply),
  );
});

/** The message as mailauth reads it: a buffer, or a spilled message streamed from its file. */
function input(source: AuthSource): Buffer | Readable {
  if ('message' in source) return asBuffer(source.message);
  return Readable.from(headThenFile(asBuffer(source.head), source.file, source.offset));
}

async function* headThenFile(head: Buffer, file: string, offset: number): AsyncGenerator<Buffer> {
  yield head;
  yield* createReadStream(file, { start: offset }) as AsyncIterable<Buffer>;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
