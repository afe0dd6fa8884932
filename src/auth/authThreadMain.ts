import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { authenticateMessage, checkSpf, type SpfCheck } from './authenticate.js';
import type { AuthReplies, AuthReply, AuthRequests, AuthSource, AuthThreadOptions } from './authThread.js';
import { splitMessage, type MessageParts } from './messageParts.js';
import { rememberParsedPublicKeys } from './publicKeys.js';
import { recentAnswers } from './recent.js';
import { cachedResolver } from './resolver.js';
import { temporaryFailure } from './results.js';

/** The authentication thread: one DNS cache and one parse of each key for every message, mailauth for each. */
rememberParsedPublicKeys();
const options = workerData as AuthThreadOptions;
const resolver = cachedResolver(options.dns);
const recentSpf = recentAnswers<Awaited<ReturnType<SpfCheck>>>(
  options.dns.cacheTtlMs,
  (found) => found?.status.result === 'temperror',
);
const spf: SpfCheck = (client) =>
  recentSpf(JSON.stringify([client.ip, client.helo, client.mailFrom]), () =>
    checkSpf(client, { authservId: options.authservId, resolver }),
  );
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
    authenticateMessage(input(request.source), request.client, { resolver, spf }).then(
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
