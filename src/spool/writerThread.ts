import { parentPort, workerData } from 'node:worker_threads';
import { BatchWriter } from './batchWriter.js';
import { BodyFiles, bodyDirOf } from './bodyFiles.js';
import { openSpoolDatabase } from './database.js';
import type { CommitReply, CommitRequest } from './commitThread.js';

/**
 * The spool's writer: commits (and their fsync) happen here, so the SMTP event loop keeps
 * reading while a commit is on its way to disk, and what arrives meanwhile shares the next one.
 */
const db = openSpoolDatabase(workerData as string);
const writer = new BatchWriter(db, new BodyFiles(bodyDirOf(workerData as string)));
const port = parentPort!;
port.on('message', (request: CommitRequest) => {
  if (request.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  // Structured clone hands Buffers over as plain Uint8Arrays.
  const messages = request.messages.map((m) => ({
    ...m,
    chunks: m.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
  }));
  port.postMessage({ kind: 'committed', id: request.id, ...writer.write(messages) } satisfies CommitReply);
});
port.postMessage({ kind: 'ready' } satisfies CommitReply);
