import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WorkQueue } from './queue.js';
import { migrate } from './schema.js';
import type { Outcome } from './outcome.js';
import type { IncomingMessage, SpoolEntry, SpoolState, StoreResult } from './types.js';

// Small messages live in their row; larger ones as the chunks they arrived in, so a 25 MB
// message is never joined into one more buffer on its way to disk.
const INLINE_LIMIT_BYTES = 256 * 1024;

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
}

/**
 * The only code that may say "durable". `store` resolves only after the row is committed with
 * `synchronous=FULL`; all stores that arrive in the same event-loop turn share one commit.
 */
export class Spool {
  /** Counters for metrics: how many commits carried how many messages. */
  readonly stats = { commits: 0, stored: 0, failed: 0 };
  private pending: PendingStore[] = [];
  private readonly storedListeners: (() => void)[] = [];
  private flushScheduled = false;
  private readonly insertMessage: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly findBySourceRef: Database.Statement;
  private readonly writeBatch: (messages: IncomingMessage[]) => StoreResult[];
  readonly queue: WorkQueue;

  private constructor(readonly db: Database.Database) {
    this.queue = new WorkQueue(db);
    this.insertMessage = db.prepare(
      `INSERT INTO messages (received_at, source, source_ref, mailbox, session_id, client_address, helo, tls,
                             mail_from, recipients, message_id, size, raw, next_attempt_at)
       VALUES (@receivedAt, @source, @sourceRef, @mailbox, @sessionId, @clientAddress, @helo, @tls,
               @mailFrom, @recipients, @messageId, @size, @raw, @receivedAt)`,
    );
    this.findBySourceRef = db.prepare('SELECT id FROM messages WHERE source_ref = ?').pluck();
    this.insertChunk = db.prepare('INSERT INTO message_chunks (message, seq, data) VALUES (?, ?, ?)');
    this.writeBatch = db.transaction((messages: IncomingMessage[]) => messages.map((m) => this.insert(m)));
  }

  static open(file: string): Spool {
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so a committed row survives power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new Spool(db);
  }

  store(message: IncomingMessage): Promise<StoreResult> {
    return new Promise((resolve) => {
      this.pending.push({ message, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    try {
      const results = this.writeBatch(batch.map((p) => p.message));
      this.stats.commits++;
      this.stats.stored += results.length;
      batch.forEach((p, i) => p.resolve(results[i]));
      for (const listener of this.storedListeners) listener();
    } catch (error) {
      if (batch.length === 1) {
        this.stats.failed++;
        batch[0].resolve({ stored: false, reason: errorText(error) });
        return;
      }
      // One bad message must not cost its neighbours their 250: retry each on its own.
      for (const p of batch) {
        try {
          const [result] = this.writeBatch([p.message]);
          this.stats.commits++;
          this.stats.stored++;
          p.resolve(result);
        } catch (single) {
          this.stats.failed++;
          p.resolve({ stored: false, reason: errorText(single) });
        }
      }
    }
  }

  /** Called after each commit that stored something: how the worker learns of new mail at once. */
  onStored(listener: () => void): void {
    this.storedListeners.push(listener);
  }

  private insert(message: IncomingMessage): StoreResult {
    const known = message.sourceRef === undefined ? undefined : (this.findBySourceRef.get(message.sourceRef) as number | undefined);
    if (known !== undefined) return { stored: true, id: known, duplicate: true };
    const inline = message.size <= INLINE_LIMIT_BYTES;
    const result = this.insertMessage.run({
      receivedAt: message.receivedAt,
      source: message.source,
      sourceRef: message.sourceRef ?? null,
      mailbox: message.mailbox ?? null,
      sessionId: message.sessionId,
      clientAddress: message.clientAddress ?? null,
      helo: message.helo ?? null,
      tls: message.tls ? 1 : 0,
      mailFrom: message.mailFrom,
      recipients: JSON.stringify(message.recipients),
      messageId: message.messageId ?? null,
      size: message.size,
      raw: inline ? Buffer.concat(message.chunks, message.size) : null,
    });
    const id = Number(result.lastInsertRowid);
    if (!inline) message.chunks.forEach((chunk, seq) => this.insertChunk.run(id, seq, chunk));
    return { stored: true, id };
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
    const chunks = this.db.prepare('SELECT data FROM message_chunks WHERE message = ? ORDER BY seq').pluck().all(id) as Buffer[];
    return Buffer.concat(chunks);
  }

  findByMessageId(messageId: string): SpoolEntry[] {
    const rows = this.db.prepare('SELECT * FROM messages WHERE message_id = ? ORDER BY id').all(messageId) as MessageRow[];
    return rows.map(toEntry);
  }

  countByState(): Record<string, number> {
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM messages GROUP BY state').all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Answers every store still waiting, then closes the file. */
  close(): void {
    if (this.pending.length > 0) this.flush();
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
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
