import type Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { LogLevel } from '../config/index.js';
import { CommitThread } from './commitThread.js';
import { SpoolWriteLock } from './writeLock.js';
import { openSpoolDatabase, type SpoolConnectionOptions } from './database.js';
import { WorkQueue } from './queue.js';
import { BodyFiles, bodyDirOf } from './bodyFiles.js';
import { Retention } from './retention.js';
import { SpoolReads } from './reads.js';
import type {
  ClaimedDelivery,
  DeliveryEntry,
  IncomingMessage,
  MessageTrace,
  SpoolEntry,
  SpoolEvent,
  SpoolState,
  StoreResult,
  StoredMessage,
} from './types.js';

interface PendingStore {
  message: IncomingMessage;
  resolve: (result: StoreResult) => void;
}

export interface SpoolOptions extends SpoolConnectionOptions {
  /** Where the writer thread says "message stored" for each message it commits (the logger's level); none: it says nothing. */
  logLevel?: LogLevel;
}

const BATCH_BYTES = 16 * 1024 * 1024;
// Batches leave as they form, so the writer finds the next one waiting when a commit ends; the
// bound keeps what is in flight (and in memory twice over) small.
const MAX_BATCHES_IN_FLIGHT = 8;

/**
 * The only code that may say "durable". `store` resolves only after the row is committed with
 * `synchronous=FULL` by the writer thread; everything that arrives while a commit is in flight
 * shares the next one (group commit).
 */
export class Spool {
  /** Counters for metrics: how many commits carried how many messages. */
  readonly stats = { commits: 0, stored: 0, failed: 0 };
  private pending: PendingStore[] = [];
  private readonly storedListeners: (() => void)[] = [];
  /** Made at the first store, so a spool opened only to read (trace, replay) starts no thread. */
  private writer: CommitThread | undefined;
  /** Batches sent to the writer and not yet answered. */
  private inFlight = 0;
  private drained: (() => void)[] = [];
  private spills = 0;
  readonly queue: WorkQueue;
  private readonly reads: SpoolReads;
  private readonly retention: Retention;

  private constructor(
    readonly db: Database.Database,
    private readonly file: string,
    /** Pass it to every other thread of this process that opens the spool (SpoolConnectionOptions.writeLock). */
    readonly writeLock: SharedArrayBuffer,
    private readonly logLevel: LogLevel | undefined,
  ) {
    this.queue = new WorkQueue(db);
    const bodies = new BodyFiles(bodyDirOf(file));
    this.reads = new SpoolReads(db, bodies);
    this.retention = new Retention(db, bodies);
  }

  static open(file: string, options: SpoolOptions = {}): Spool {
    const writeLock = options.writeLock ?? SpoolWriteLock.newBuffer();
    return new Spool(openSpoolDatabase(file, { ...options, writeLock }), file, writeLock, options.logLevel);
  }

  /**
   * A fresh path in the spool's incoming directory (`<store>-incoming/`) for a message too large
   * to wait in memory. The first one of a process clears what an earlier one left behind: only
   * the front door spills, and a file not yet handed to `store` was never answered with 250.
   */
  spillPath(): string {
    const dir = `${this.file}-incoming`;
    if (this.spills === 0) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    return path.join(dir, `${process.pid}-${++this.spills}`);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    const stored = new Promise<StoreResult>((resolve) => {
      this.pending.push({ message, resolve });
      // An idle writer gets the message at once (after this turn's other microtasks); a busy one
      // cannot start before its commit ends, so what arrives meanwhile leaves together at the
      // end of this event-loop turn and is waiting when it does.
      if (this.pending.length === 1) {
        if (this.inFlight === 0) queueMicrotask(() => this.commitPending());
        else setImmediate(() => this.commitPending());
      }
    });
    const { spillFile } = message;
    if (spillFile === undefined) return stored;
    // Committed or not, the file has served: the bytes are in the spool, or the client retries.
    return stored.then((result) =>
      rm(spillFile, { force: true }).then(
        () => result,
        () => result,
      ),
    );
  }

  private commitPending(): void {
    if (this.pending.length === 0 || this.inFlight >= MAX_BATCHES_IN_FLIGHT) {
      if (this.inFlight === 0) this.notifyDrained();
      return;
    }
    this.inFlight++;
    // Everything waiting goes together, up to a bound on bytes so one transaction never holds
    // many large messages at once (the rest follow in the next commit).
    let bytes = 0;
    let take = 0;
    while (take < this.pending.length && (take === 0 || bytes + this.pending[take].message.size <= BATCH_BYTES))
      bytes += this.pending[take++].message.size;
    const batch = this.pending.splice(0, take);
    this.writerThread()
      .commit(batch.map((p) => p.message))
      .then(
        ({ results, commits }) => {
          this.stats.commits += commits;
          results.forEach((result, i) => {
            if (result.stored) this.stats.stored++;
            else this.stats.failed++;
            batch[i].resolve(result);
          });
          if (results.some((r) => r.stored)) for (const listener of this.storedListeners) listener();
        },
        (error: unknown) => {
          this.stats.failed += batch.length;
          for (const p of batch)
            p.resolve({ stored: false, reason: error instanceof Error ? error.message : String(error) });
        },
      )
      .finally(() => {
        this.inFlight--;
        this.commitPending();
      });
  }

  /**
   * Starts the writer thread now rather than at the first store: a server calls it, since the
   * writer is also what checkpoints the WAL (see writerThread.ts), whoever wrote to it.
   */
  startWriter(): void {
    this.writerThread();
  }

  private writerThread(): CommitThread {
    // A writer that died (it should not) is replaced; its batch was answered 451.
    if (!this.writer?.alive)
      this.writer = new CommitThread({ file: this.file, writeLock: this.writeLock, logLevel: this.logLevel });
    return this.writer;
  }

  private notifyDrained(): void {
    for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Called after each commit that stored something: how the worker learns of new mail at once. */
  onStored(listener: () => void): void {
    this.storedListeners.push(listener);
  }

  /** A message with its deliveries and summary state, or undefined. */
  get(id: number): SpoolEntry | undefined {
    return this.reads.entry(id);
  }

  /** The message's envelope as stored, without its deliveries. */
  message(id: number): StoredMessage | undefined {
    return this.reads.message(id);
  }

  /** The message exactly as received (with our Received header on top). */
  raw(id: number): Buffer | undefined {
    return this.reads.raw(id);
  }

  /** Every message that carried this Message-ID (with angle brackets), oldest first. */
  findByMessageId(messageId: string): SpoolEntry[] {
    return this.reads.byMessageId(messageId);
  }

  /** Messages with at least one delivery in `state`, newest first (`before`: only ids below it, for paging). */
  messagesByState(state: SpoolState, options: { limit?: number; before?: number } = {}): SpoolEntry[] {
    return this.reads.byState(state, options.limit ?? 50, options.before);
  }

  /** One delivery (one accepted recipient of a message), or undefined. */
  delivery(id: number): DeliveryEntry | undefined {
    return this.reads.delivery(id);
  }

  /** Claimed deliveries with their messages' envelopes, in one read: what the worker starts from. */
  claimed(ids: readonly number[]): Map<number, ClaimedDelivery> {
    return this.reads.claimed(ids);
  }

  /** The deliveries of a message, one per accepted recipient, in the order the recipients came. */
  deliveriesOf(messageId: number): DeliveryEntry[] {
    return this.reads.deliveriesOf(messageId);
  }

  /** Every trace event of a message (each names its delivery), in order. */
  events(messageId: number): SpoolEvent[] {
    return this.reads.events(messageId);
  }

  /** The whole trace of a message: each delivery with its own events, and all events in order. */
  trace(messageId: number): MessageTrace | undefined {
    return this.reads.trace(messageId);
  }

  /** Deliveries by state (a message with two recipients counts twice). */
  countByState(): Record<string, number> {
    return this.reads.countByState();
  }

  /**
   * Removes finished messages (every delivery done or ignored) received before `before`, with
   * their deliveries, trace and body files; a batch per transaction, the event loop let go
   * between batches so routing goes on meanwhile.
   */
  async purgeFinished(before: number, batch = 500): Promise<{ messages: number; bodyFiles: number }> {
    const total = { messages: 0, bodyFiles: 0 };
    for (let after = 0; ;) {
      const done = this.retention.purgeBatch(before, after, batch);
      total.messages += done.messages;
      total.bodyFiles += done.bodyFiles;
      if (done.finished) return total;
      after = done.next;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Answers every store still waiting, stops the writer, then closes the file. */
  async close(): Promise<void> {
    if (this.inFlight > 0 || this.pending.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        this.commitPending();
      });
    }
    await this.writer?.close();
    this.db.close();
  }
}
