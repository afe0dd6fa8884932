import { parentPort, workerData } from 'node:worker_threads';
import { authenticateMessage } from './authenticate.js';
import type { AuthReply, AuthRequest, AuthThreadOptions } from './authThread.js';
import { cachedResolver } from './resolver.js';
import { temporaryFailure } from './results.js';

/** The authentication thread: one DNS cache for every message, mailauth for each. */
const options = workerData as AuthThreadOptions;
const resolver = cachedResolver(options.dns);
const port = parentPort!;
port.on('message', (request: AuthRequest) => {
  const message = Buffer.from(request.message.buffer, request.message.byteOffset, request.message.byteLength);
  authenticateMessage(message, request.client, { authservId: options.authservId, resolver }).then(
    (results) => port.postMessage({ id: request.id, results } satisfies AuthReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        results: temporaryFailure(request.client, error instanceof Error ? error.message : String(error)),
      } satisfies AuthReply),
  );
});
