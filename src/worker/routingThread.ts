import { Worker as Thread } from 'node:worker_threads';
import type { PostroomConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { Worker } from './worker.js';

export type RoutingMessage = { kind: 'wake' } | { kind: 'idle'; id: number } | { kind: 'stop' };
// The thread's end is its exit; no message announces it.
export type RoutingReply = { kind: 'ready' } | { kind: 'idle'; id: number } | { kind: 'failed'; reason: string };

const RESTART_DELAY_MS = 1000;

/** What health and metrics read of the supervisor. */
export interface RoutingThreadHealth {
  running: boolean;
  restarts: number;
  lastError?: string;
}

export interface RoutingThread extends Worker {
  health(): RoutingThreadHealth;
}

/**
 * Routing in its own thread. A thread that dies is logged and started again: the messages it
 * held are `processing` in the spool and the new thread takes them up again.
 */
/** `entry` is the thread's main module: the composition root owns what runs inside. */
export async function startRoutingThread(config: PostroomConfig, logger: Logger, entry: URL): Promise<RoutingThread> {
  const idleWaiters = new Map<number, () => void>();
  const health: RoutingThreadHealth = { running: false, restarts: 0 };
  let nextId = 0;
  let stopping = false;
  let thread: Thread;
  let exited: Promise<void>;

  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      thread = new Thread(entry, { workerData: config });
      exited = new Promise((done) => thread.once('exit', () => done()));
      let started = false;
      thread.on('message', (reply: RoutingReply) => {
        if (reply.kind === 'ready') {
          started = true;
          health.running = true;
          resolve();
        } else if (reply.kind === 'idle') idleWaiters.get(reply.id)?.();
        else if (reply.kind === 'failed') reject(new Error(`the routing thread could not start: ${reply.reason}`));
      });
      thread.once('error', (error) =>
        started ? logger.error({ err: error }, 'the routing thread failed') : reject(error),
      );
      thread.once('exit', (code) => {
        health.running = false;
        if (stopping || !started) return;
        health.restarts++;
        health.lastError = `exited with code ${code}`;
        logger.error({ code }, 'the routing thread stopped unexpectedly; starting it again');
        for (const release of idleWaiters.values()) release();
        setTimeout(
          () =>
            void launch().catch((error: unknown) => {
              health.lastError = error instanceof Error ? error.message : String(error);
              logger.error({ err: error }, 'the routing thread could not restart');
            }),
          RESTART_DELAY_MS,
        );
      });
    });

  await launch();
  const send = (message: RoutingMessage) => thread.postMessage(message);
  return {
    health: () => ({ ...health }),
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
    async stop() {
      stopping = true;
      send({ kind: 'stop' });
      await exited;
    },
  };
}
