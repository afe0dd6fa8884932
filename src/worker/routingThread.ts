import type { PostroomConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { SpoolWriteLock } from '../spool/writeLock.js';
import { routingHeapLimits } from '../threads/heapLimits.js';
import { superviseThread } from '../threads/supervisor.js';
import type { Worker } from './worker.js';

/** What the routing thread starts from: the configuration, and the spool's write turns (SpoolWriteLock). */
export interface RoutingThreadData {
  config: PostroomConfig;
  spoolWriteLock: SharedArrayBuffer;
}

export type RoutingMessage = { kind: 'wake' } | { kind: 'idle'; id: number } | { kind: 'stop' };
// The thread's end is its exit; no message announces it.
export type RoutingReply = { kind: 'ready' } | { kind: 'idle'; id: number } | { kind: 'failed'; reason: string };

/** The routing thread as the main thread sees it: a worker, and whether it is up. */
export interface RoutingThread extends Worker {
  /** How many times the thread was started again after it stopped. */
  restarts(): number;
  running(): boolean;
}

/**
 * Routing in its own thread, supervised for the life of the process: a thread that dies is
 * logged and started again (with backoff, forever); the deliveries it held are `processing` in
 * the spool and the new thread takes them up again, one at a time; one it held alone at three
 * deaths (a message that kills it) is a dead letter.
 */
/** `entry` is the thread's main module: the composition root owns what runs inside. */
export async function startRoutingThread(data: RoutingThreadData, logger: Logger, entry: URL): Promise<RoutingThread> {
  const idleWaiters = new Map<number, () => void>();
  const spoolTurns = new SpoolWriteLock(data.spoolWriteLock);
  let nextId = 0;
  const thread = await superviseThread({
    entry,
    options: { workerData: data, resourceLimits: routingHeapLimits(data.config.worker.heapLimit) },
    logger,
    isReady: (reply) => (reply as RoutingReply).kind === 'ready',
    startFailure: (reply) =>
      (reply as RoutingReply).kind === 'failed' ? (reply as { reason: string }).reason : undefined,
    onMessage: (reply) => {
      const answer = reply as RoutingReply;
      if (answer.kind === 'idle') idleWaiters.get(answer.id)?.();
    },
    // A waiter on a thread that died would wait forever: it is told now, and asks again. A
    // turn the thread held on the spool ends with it (its connection is gone).
    onExit: (threadId) => {
      spoolTurns.releaseHeldBy(threadId);
      for (const release of idleWaiters.values()) release();
    },
  });
  const send = (message: RoutingMessage) => thread.post(message);
  return {
    wake: () => send({ kind: 'wake' }),
    idle: () =>
      new Promise((resolve) => {
        const id = nextId++;
        idleWaiters.set(id, () => {
          idleWaiters.delete(id);
          resolve();
        });
        send({ kind: 'idle', id });
      }),
    stop: () => thread.stop(() => send({ kind: 'stop' })),
    restarts: () => thread.restarts(),
    running: () => thread.running(),
  };
}
