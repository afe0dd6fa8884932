import { Worker as Thread } from 'node:worker_threads';
import type { LogLevel } from '../config/index.js';
import { THREAD_HEAP_LIMITS } from '../threads/heapLimits.js';
import { threadEntry } from '../threads/threadEntry.js';
import { SpoolWriteLock } from './writeLock.js';
import type { BatchOutcome } from './batchWriter.js';
import type { IncomingMessage } from './types.js';

export interface WriterOptions {
  file: string;
  writeLock: SharedArrayBuffer;
  /** The level of the thread's own log, where each stored message gets its line; none: no log. */
  logLevel?: LogLevel;
}

export type CommitRequest = { kind: 'commit'; id: number; messages: IncomingMessage[] } | { kind: 'close' };
export type CommitReply = { kind: 'ready' } | ({ kind: 'committed'; id: number } & BatchOutcome);

/** The main thread's handle on the writer thread: batches are sent as they form and answered in order. */
export class CommitThread {
  private readonly thread: Thread;
  private readonly ready: Promise<void>;
  private readonly waiting = new Map<
    number,
    { resolve: (outcome: BatchOutcome) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private dead: Error | undefined;

  constructor(options: WriterOptions) {
    this.thread = new Thread(threadEntry(import.meta.url, 'writerThread.js'), {
      workerData: options,
      resourceLimits: THREAD_HEAP_LIMITS,
    });
    // Read now: a Worker says -1 once it has exited.
    const writerId = this.thread.threadId;
    this.ready = new Promise((resolve, reject) => {
      this.thread.on('message', (reply: CommitReply) => {
        if (reply.kind === 'ready') resolve();
        else {
          const waiter = this.waiting.get(reply.id);
          this.waiting.delete(reply.id);
          waiter?.resolve({ results: reply.results, commits: reply.commits });
        }
      });
      const fail = (error: Error) => {
        this.dead = error;
        reject(error);
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      };
      this.thread.once('error', fail);
      this.thread.once('exit', (code) => {
        // A turn the writer held on the spool ends with it (its connection is gone).
        new SpoolWriteLock(options.writeLock).releaseHeldBy(writerId);
        fail(new Error(`the spool writer stopped (exit ${code})`));
      });
    });
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  async commit(messages: IncomingMessage[]): Promise<BatchOutcome> {
    await this.ready;
    if (this.dead) throw this.dead;
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      // Memory is moved, never copied twice: a message's own pages go as they are; others are
      // first joined into one buffer of their own.
      const moved = messages.map((message) => ({
        ...message,
        chunks: message.transferable ? [...message.chunks] : [ownedCopy(message.chunks)],
      }));
      const transfer = [...new Set(moved.flatMap((m) => m.chunks.map((c) => c.buffer as ArrayBuffer)))];
      this.thread.postMessage({ kind: 'commit', id, messages: moved } satisfies CommitRequest, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.thread.once('exit', () => resolve()));
    this.thread.postMessage({ kind: 'close' } satisfies CommitRequest);
    await exited;
  }
}

/**
 * The chunks joined into a buffer that owns its memory, so it can be transferred to another
 * thread; a spilled message's chunks are only its first bytes.
 */
function ownedCopy(chunks: Buffer[]): Buffer {
  const owned = Buffer.allocUnsafeSlow(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(owned, at);
  return owned;
}
