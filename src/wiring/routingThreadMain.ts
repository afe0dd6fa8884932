import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, flushLogs } from '../log/logger.js';
import { openProcessor } from './processing.js';
import { startRetention } from './retention.js';
import { Spool } from '../spool/index.js';
import type { RoutingMessage, RoutingReply, RoutingThreadData } from '../worker/routingThread.js';
import { lowerThreadPriority } from '../threads/priority.js';
import { startWorker } from '../worker/worker.js';

// Routing waits; a client in the middle of a transaction does not. When the cores are all busy,
// the threads that answer SMTP (and commit what they accept) go first, and routing takes the
// CPU they leave: a burst is accepted at full speed and routed behind it.
const ROUTING_NICENESS = 10;

/**
 * The routing thread: its own spool connection, the sink, and the worker loop, so MIME
 * parsing and handlers never hold up the SMTP event loop.
 */
async function main(): Promise<void> {
  const { config, spoolWriteLock } = workerData as RoutingThreadData;
  const port = parentPort!;
  const logger = createLogger(config.log.level).child({ part: 'worker' });
  const priority = lowerThreadPriority(ROUTING_NICENESS);
  if (!priority.lowered) logger.info({ reason: priority.reason }, 'routing runs at the same CPU priority as SMTP');
  // Queue states only: see SpoolConnectionOptions for why this connection need not fsync.
  const spool = Spool.open(config.store.path, { synchronous: 'NORMAL', writeLock: spoolWriteLock });
  const processor = await openProcessor(config, spool, logger);
  const worker = startWorker({
    spool,
    process: processor.process,
    makeDurable: processor.makeDurable,
    logger,
    concurrency: config.worker.concurrency,
    memoryBudget: config.worker.memoryBudget,
    retry: {
      baseMs: config.worker.retryBaseMs,
      maxMs: config.worker.retryMaxMs,
      maxAttempts: config.worker.maxAttempts,
      maxAgeMs: config.worker.maxAgeMs,
    },
  });
  const retention = startRetention(spool, config.store.retentionMs, logger, processor.purgeSentMail);
  const reply = (message: RoutingReply) => port.postMessage(message);
  port.on('message', (message: RoutingMessage) => {
    switch (message.kind) {
      case 'wake':
        worker.wake();
        break;
      case 'idle':
        worker
          .idle()
          .then(() => reply({ kind: 'idle', id: message.id }))
          .catch((error: unknown) => logger.error({ err: error }, 'could not wait for the worker'));
        break;
      case 'stop':
        void Promise.all([worker.stop(), retention.stop()])
          .then(() => processor.close())
          .then(() => spool.close())
          .catch((error: unknown) => logger.error({ err: error }, 'the routing thread did not stop cleanly'))
          .finally(() => {
            flushLogs();
            port.close();
          });
        break;
    }
  });
  reply({ kind: 'ready' });
}

main().catch((error: unknown) => {
  parentPort!.postMessage({
    kind: 'failed',
    reason: error instanceof Error ? (error.stack ?? error.message) : String(error),
  } satisfies RoutingReply);
});
