import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { resultSummary } from '../auth/results.js';
import { createLogger } from '../log/logger.js';
import { BatchWriter } from './batchWriter.js';
import { BodyFiles, bodyDirOf, bodyFileInUse } from './bodyFiles.js';
import { openSpoolDatabase } from './database.js';
import type { CommitReply, CommitRequest, WriterOptions } from './commitThread.js';
import type { IncomingMessage, StoreResult } from './types.js';

// What one transaction may carry at most; the rest of the queue follows in the next one.
const TRANSACTION_BYTES = 16 * 1024 * 1024;
// How often the WAL is copied into the file (see openSpoolDatabase): after this many commits of
// ours, and on a timer for what other threads wrote while no mail came in.
const CHECKPOINT_EVERY_COMMITS = 64;
const CHECKPOINT_EVERY_MS = 250;
// Body files looked at between two commits by the sweep at start (each a stat, some a query).
const SWEEP_FILES_PER_TURN = 256;

type Commit = Extract<CommitRequest, { kind: 'commit' }>;

/**
 * The spool's writer: commits (and their fsync) happen here, so the SMTP event loop keeps
 * reading while a commit is on its way to disk. Every request that reached the port while the
 * previous commit was running shares the next transaction (group commit on this side too), so
 * the writer never waits for the main thread between two commits.
 */
const { file, writeLock, logLevel } = workerData as WriterOptions;
const log = logLevel ? createLogger(logLevel) : undefined;
const db = openSpoolDatabase(file, { writeLock });
const bodies = new BodyFiles(bodyDirOf(file));
// From the start on, a few at a time between commits: the files a crash left between their
// fsync and their commit.
const sweep = bodies.sweepUnreferenced(bodyFileInUse(db));
setImmediate(sweepSome);
const writer = new BatchWriter(db, bodies);
const port = parentPort!;
const queue: Commit[] = [];
let closing = false;
let commitsSinceCheckpoint = 0;
const checkpoints = setInterval(checkpoint, CHECKPOINT_EVERY_MS);

function take(request: CommitRequest): void {
  if (request.kind === 'close') closing = true;
  else queue.push(request);
}

function drainPort(): void {
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
    take(next.message as CommitRequest);
}

function commitQueued(): void {
  drainPort();
  while (queue.length > 0) {
    let bytes = 0;
    let count = 0;
    while (count < queue.length && (count === 0 || bytes + sizeOf(queue[count]) <= TRANSACTION_BYTES))
      bytes += sizeOf(queue[count++]);
    const requests = queue.splice(0, count);
    // Structured clone hands Buffers over as plain Uint8Arrays.
    const messages: IncomingMessage[] = requests.flatMap((request) =>
      request.messages.map((m) => ({
        ...m,
        chunks: m.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
      })),
    );
    const { results, commits } = writer.write(messages);
    let at = 0;
    for (const [i, request] of requests.entries()) {
      const mine = results.slice(at, at + request.messages.length);
      at += request.messages.length;
      // The requests shared the transaction: its commits are told once, with the first.
      const told = i === 0 ? commits : 0;
      port.postMessage({ kind: 'committed', id: request.id, results: mine, commits: told } satisfies CommitReply);
    }
    // After the answers: the line is for the operator, the 250 must not wait for it.
    messages.forEach((message, i) => logStored(message, results[i]));
    commitsSinceCheckpoint += commits;
    if (commitsSinceCheckpoint >= CHECKPOINT_EVERY_COMMITS) checkpoint();
    drainPort();
  }
  if (closing) {
    clearInterval(checkpoints);
    sweep.return();
    db.close();
    port.close();
  }
}

let swept = 0;
function sweepSome(): void {
  if (closing) return;
  try {
    for (let n = 0; n < SWEEP_FILES_PER_TURN; n++) {
      const step = sweep.next();
      if (step.done) {
        if (swept > 0) log?.info({ removed: swept }, 'body files no stored message points into removed');
        return;
      }
      if (step.value) swept++;
    }
  } catch (error) {
    log?.warn({ err: error }, 'sweep of unreferenced body files stopped (it runs again at the next start)');
    return;
  }
  // Commits that came in meanwhile go first.
  setImmediate(sweepSome);
}

/** PASSIVE: it copies what no reader still needs and never waits for, or blocks, a writer or a reader. */
function checkpoint(): void {
  commitsSinceCheckpoint = 0;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    log?.warn({ err: error }, 'spool checkpoint failed (the WAL keeps the commits; next try soon)');
  }
}

/** One line per committed message, from the one place that knows it is durable. */
function logStored(message: IncomingMessage, result: StoreResult): void {
  if (!log || !result.stored) return;
  log.info(
    {
      session: message.sessionId,
      spoolId: result.id,
      source: message.source,
      sourceRef: message.sourceRef,
      duplicate: result.duplicate,
      messageId: message.messageId,
      size: message.size - (message.ownHeaderBytes ?? 0),
      mailFrom: message.mailFrom,
      recipients: message.recipients,
      client: message.clientAddress,
      auth: message.auth && resultSummary(message.auth),
    },
    'message stored',
  );
}

function sizeOf(request: Commit): number {
  return request.messages.reduce((sum, m) => sum + m.size, 0);
}

port.on('message', (request: CommitRequest) => {
  take(request);
  commitQueued();
});
port.postMessage({ kind: 'ready' } satisfies CommitReply);
