import { Worker as Thread } from 'node:worker_threads';
import { THREAD_HEAP_LIMITS } from '../threads/heapLimits.js';
import { threadEntry } from '../threads/threadEntry.js';
import type { AuthClient } from './authenticate.js';
import type { DnsOptions } from './resolver.js';
import { temporaryFailure, type AuthResults } from './results.js';

export interface AuthThreadOptions {
  authservId: string;
  dns: DnsOptions;
}

/**
 * The message to check: whole in memory, or a header block followed by a spill file's bytes
 * from `offset` on (the file's own head, which `head` replaces, comes before it).
 */
export type AuthSource = { message: Uint8Array } | { head: Uint8Array; file: string; offset: number };
export type AuthRequest = { id: number; source: AuthSource; client: AuthClient };
export type AuthReply = { id: number; results: AuthResults };
/**
 * What one event-loop turn asked, or answered, goes in one message: each crossing wakes the
 * other thread, and on a busy machine those wake-ups cost more than the copying.
 */
export type AuthRequests = AuthRequest[];
export type AuthReplies = AuthReply[];

export interface AuthThread {
  /** A `message` in memory is moved to the thread: the caller must not use it afterwards. */
  check(source: AuthSource, client: AuthClient): Promise<AuthResults>;
  /** Checks asked and not yet answered. */
  waiting(): number;
  /** Answers what is still waiting `temperror`. */
  close(): Promise<void>;
}

interface Pending {
  client: AuthClient;
  resolve: (results: AuthResults) => void;
}

/**
 * mailauth in a thread of its own for signed messages: hashing the body and checking RSA
 * signatures (as many as the sender put in) would otherwise take the SMTP event loop's time from
 * every other session. A thread that dies answers its messages `temperror` and is started again.
 */
export function startAuthThread(options: AuthThreadOptions): AuthThread {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let thread: Thread | undefined;
  // Asked this turn, sent together at its end.
  let outbox: AuthRequests = [];

  const settle = (id: number, results: AuthResults) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    waiting.resolve(results);
  };
  const failAll = (why: string) => {
    for (const [id, waiting] of pending) settle(id, temporaryFailure(waiting.client, why));
  };
  const start = (): Thread => {
    const started = new Thread(threadEntry(import.meta.url, 'authThreadMain.js'), {
      workerData: options,
      resourceLimits: THREAD_HEAP_LIMITS,
    });
    started.on('message', (replies: AuthReplies) => {
      for (const reply of replies) settle(reply.id, reply.results);
    });
    const lost = (why: string) => {
      if (thread === started) thread = undefined;
      failAll(why);
    };
    started.once('error', (error) => lost(`authentication thread failed: ${error.message}`));
    started.once('exit', (code) => lost(`authentication thread stopped (exit ${code})`));
    // The thread alone must not keep the process alive.
    started.unref();
    return started;
  };

  const send = () => {
    const requests = outbox;
    outbox = [];
    // Closed in between: those were answered `temperror` already.
    if (requests.length === 0) return;
    thread ??= start();
    // A spilled message's head is small and copied; its file is the thread's to read.
    const moved = requests.flatMap(({ source }) => ('message' in source ? [source.message.buffer as ArrayBuffer] : []));
    thread.postMessage(requests, moved);
  };

  return {
    check(source, client) {
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { client, resolve });
        outbox.push({ id, source, client });
        if (outbox.length === 1) setImmediate(send);
      });
    },
    waiting: () => pending.size,
    async close() {
      const current = thread;
      thread = undefined;
      outbox = [];
      failAll('shutting down');
      if (current) await current.terminate();
    },
  };
}
