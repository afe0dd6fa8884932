import { Worker as Thread } from 'node:worker_threads';
import type { PostroomConfig } from '../config/index.js';
import type { Worker } from './worker.js';

export type RoutingMessage = { kind: 'wake' } | { kind: 'idle'; id: number } | { kind: 'stop' };
export type RoutingReply = { kind: 'ready' } | { kind: 'idle'; id: number } | { kind: 'stopped' } | { kind: 'failed'; reason: string };

/**
 * Where the thread's code is: beside this file when running the build; from the build when the
 * tests run the TypeScript sources (`npm test` builds first).
 */
function threadEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/src/worker/thread.js', here) : new URL('./thread.js', here);
}

/** Starts routing in its own thread; resolves once its sink is open and it takes work. */
export async function startRoutingThread(config: PostroomConfig): Promise<Worker> {
  const thread = new Thread(threadEntry(), { workerData: config });
  const idleWaiters = new Map<number, () => void>();
  let nextId = 0;
  let stopped: (() => void) | undefined;
  let failure: ((error: Error) => void) | undefined;

  await new Promise<void>((resolve, reject) => {
    failure = reject;
    thread.on('message', (reply: RoutingReply) => {
      if (reply.kind === 'ready') resolve();
      else if (reply.kind === 'idle') idleWaiters.get(reply.id)?.();
      else if (reply.kind === 'stopped') stopped?.();
      else if (reply.kind === 'failed') failure?.(new Error(`the routing thread could not start: ${reply.reason}`));
    });
    thread.once('error', (error) => failure?.(error));
  });
  const send = (message: RoutingMessage) => thread.postMessage(message);
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
    stop: () =>
      new Promise((resolve) => {
        stopped = resolve;
        thread.once('exit', () => resolve());
        send({ kind: 'stop' });
      }),
  };
}
