import type Database from 'better-sqlite3';
import type { AuthResults } from '../auth/index.js';
import { CommitThread } from './commitThread.js';
import { openSpoolDatabase, type SpoolConnectionOptions } from './database.js';
import { WorkQueue } from './queue.js';
import type { Outcome } from './outcome.js';
import type { IncomingMessage, SpoolEntry, SpoolState, StoreResult } from './types.js';

interface PendingStore {
  message: IncomingMessage;
  resolve: (result: StoreResult) => void;
}

interface MessageRow {
  id: number;
  received_at: number;
  source: SpoolEntry['source'];
  source_ref: string | null;
  mailbox: SpoolEntry['mailbox'] | null;
  session_id: string;
  client_address: string | null;
  helo: string | null;
  tls: number;
  mail_from: string;
  recipients: string;
  message_id: string | null;
  size: number;
  state: SpoolState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  mail_key: string | null;
  key_source: string | null;
  handler: string | null;
  outcome: string | null;
  auth: string | null;
}

const BATCH_BYTES = 16 * 1024 * 1024;

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
  private committing = false;
  private drained: (() => void)[] = [];
  readonly queue: WorkQueue;

  private constructor(
    readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.queue = new WorkQueue(db);
  }

  static open(file: string, options: SpoolConnectionOptions = {}): Spool {
    return new Spool(openSpoolDatabase(file, options), file);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    return new Promise((resolve) => {
      this.pending.push({ message, resolve });
      // Stores from the same event-loop turn leave together.
      if (this.pending.length === 1 && !this.committing) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    if (this.committing || this.pending.length === 0) {
      if (!this.committing) this.notifyDrained();
      return;
    }
    this.committing = true;
    // Everything waiting goes together, up to a bound on bytes so one transaction never holds
    // many large messages at once (the rest follow in the next commit).
    let bytes = 0;
    let take = 0;
    while (take < this.pending.length && (take === 0 || bytes + this.pending[take].message.size <= BATCH_BYTES))
      bytes += this.pending[take++].message.size;
    const batch = this.pending.splice(0, take);
    // A writer that died (it should not) is replaced; its batch was answered 451.
    if (!this.writer?.alive) this.writer = new CommitThread(this.file);
    this.writer
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
        this.committing = false;
        this.commitPending();
      });
  }

  private notifyDrained(): void {
    for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Called after each commit that stored something: how the worker learns of new mail at once. */
  onStored(listener: () => void): void {
    this.storedListeners.push(listener);
  }

  get(id: number): SpoolEntry | undefined {
    const row = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return row && toEntry(row);
  }

  /** The message exactly as received (with our Received header on top). */
  raw(id: number): Buffer | undefined {
    const row = this.db.prepare('SELECT raw FROM messages WHERE id = ?').get(id) as { raw: Buffer | null } | undefined;
    if (!row) return undefined;
    if (row.raw) return row.raw;
    const chunks = this.db
      .prepare('SELECT data FROM message_chunks WHERE message = ? ORDER BY seq')
      .pluck()
      .all(id) as Buffer[];
    return Buffer.concat(chunks);
  }

  findByMessageId(messageId: string): SpoolEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM messages WHERE message_id = ? ORDER BY id')
      .all(messageId) as MessageRow[];
    return rows.map(toEntry);
  }

  countByState(): Record<string, number> {
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM messages GROUP BY state').all() as {
      state: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Answers every store still waiting, stops the writer, then closes the file. */
  async close(): Promise<void> {
    if (this.committing || this.pending.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        if (!this.committing) this.commitPending();
      });
    }
    await this.writer?.close();
    this.db.close();
  }
}

function toEntry(row: MessageRow): SpoolEntry {
  return {
    id: row.id,
    receivedAt: row.received_at,
    source: row.source,
    sourceRef: row.source_ref ?? undefined,
    mailbox: row.mailbox ?? undefined,
    sessionId: row.session_id,
    clientAddress: row.client_address ?? undefined,
    helo: row.helo ?? undefined,
    tls: row.tls === 1,
    mailFrom: row.mail_from,
    recipients: JSON.parse(row.recipients) as string[],
    messageId: row.message_id ?? undefined,
    size: row.size,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? undefined,
    key: row.mail_key ?? undefined,
    keySource: row.key_source ?? undefined,
    handler: row.handler ?? undefined,
    outcome: row.outcome ? (JSON.parse(row.outcome) as Outcome) : undefined,
    auth: row.auth ? (JSON.parse(row.auth) as AuthResults) : undefined,
  };
}
