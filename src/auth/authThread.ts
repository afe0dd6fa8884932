import { Worker as Thread } from 'node:worker_threads';
import { threadEntry } from '../threads/threadEntry.js';
import type { AuthClient } from './authenticate.js';
import type { DnsOptions } from './resolver.js';
import { temporaryFailure, type AuthResults } from './results.js';

export interface AuthThreadOptions {
  authservId: string;
  dns: DnsOptions;
}

export type AuthRequest = { id: number; message: Uint8Array; client: AuthClient };
export type AuthReply = { id: number; results: AuthResults };

/** Checks one message's sender; never throws and never takes longer than its deadline. */
export interface SenderAuthenticator {
  check(chunks: readonly Buffer[], size: number, client: AuthClient): Promise<AuthResults>;
  close(): Promise<void>;
}

interface Pending {
  client: AuthClient;
  resolve: (results: AuthResults) => void;
  timer: NodeJS.Timeout;
}

/**
 * mailauth runs in a thread of its own: its hashing and RSA checks would otherwise take the SMTP
 * event loop's time from every other session. A message whose check outlives the deadline, or
 * meets a thread that died, is answered `temperror` at once and kept: DNS trouble never loses mail.
 */
export function startAuthThread(options: AuthThreadOptions, deadlineMs: number): SenderAuthenticator {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let thread: Thread | undefined;
  let closing = false;

  const settle = (id: number, results: AuthResults) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve(results);
  };
  const start = (): Thread => {
    const started = new Thread(threadEntry(import.meta.url, 'authThreadMain.js'), { workerData: options });
    started.on('message', (reply: AuthReply) => settle(reply.id, reply.results));
    const lost = (why: string) => {
      if (thread === started) thread = undefined;
      for (const [id, waiting] of pending) settle(id, temporaryFailure(waiting.client, why));
    };
    started.once('error', (error) => lost(`authentication thread failed: ${error.message}`));
    started.once('exit', (code) => lost(`authentication thread stopped (exit ${code})`));
    // The thread alone must not keep the process alive.
    started.unref();
    return started;
  };

  return {
    check(chunks, size, client) {
      if (closing) return Promise.resolve(temporaryFailure(client, 'shutting down'));
      thread ??= start();
      const current = thread;
      return new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(
          () => settle(id, temporaryFailure(client, `no answer within ${deadlineMs} ms`)),
          deadlineMs,
        );
        pending.set(id, { client, resolve, timer });
        // A copy of its own, moved to the thread: the message's pages stay with the spool.
        const message = Buffer.allocUnsafeSlow(size);
        let at = 0;
        for (const chunk of chunks) at += chunk.copy(message, at);
        current.postMessage({ id, message, client } satisfies AuthRequest, [message.buffer as ArrayBuffer]);
      });
    },
    async close() {
      closing = true;
      const current = thread;
      thread = undefined;
      if (current) await current.terminate();
    },
  };
}
