import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { AuthReplies, AuthReply, AuthRequests, AuthSource, AuthThreadOptions } from './authThread.js';
import { splitMessage, type MessageParts } from './messageParts.js';
import { temporaryFailure } from './results.js';
import { threadChecks } from './threadChecks.js';

/** The authentication thread: mailauth for each message, as threadChecks sets it up. */
const check = await threadChecks(workerData as AuthThreadOptions);
const port = parentPort!;
let replies: AuthReplies = [];
const reply = (answer: AuthReply) => {
  replies.push(answer);
  if (replies.length === 1) setImmediate(sendReplies);
};
const sendReplies = () => {
  port.postMessage(replies);
  replies = [];
};
port.on('message', (requests: AuthRequests) => {
  for (const request of requests) {
    check(input(request.source), request.client).then(
      (results) => reply({ id: request.id, results }),
      (error: unknown) =>
        reply({
          id: request.id,
          results: temporaryFailure(request.client, error instanceof Error ? error.message : String(error)),
        }),
    );
  }
});

/** The message as mailauth reads it: cut in two, a buffer, or a spilled message streamed from its file. */
function input(source: AuthSource): MessageParts | Buffer | Readable {
  if ('message' in source) {
    const message = asBuffer(source.message);
    return splitMessage(message) ?? message;
  }
  return Readable.from(headThenFile(asBuffer(source.head), source.file, source.offset));
}

async function* headThenFile(head: Buffer, file: string, offset: number): AsyncGenerator<Buffer> {
  yield head;
  yield* createReadStream(file, { start: offset }) as AsyncIterable<Buffer>;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
