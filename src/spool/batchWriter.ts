import type Database from 'better-sqlite3';
import type { IncomingMessage, StoreResult } from './types.js';

// Small messages live in their row; larger ones in rows of at most a mebibyte each (views into
// the buffer that arrived, not copies), so no row and no read of one is ever message-sized.
const INLINE_LIMIT_BYTES = 256 * 1024;
const CHUNK_ROW_BYTES = 1024 * 1024;

export interface BatchOutcome {
  results: StoreResult[];
  commits: number;
}

/** Writes a batch of messages in one transaction; the one place rows enter the spool. */
export class BatchWriter {
  private readonly insertMessage: Database.Statement;
  private readonly insertChunk: Database.Statement;
  private readonly findBySourceRef: Database.Statement;
  private readonly inTransaction: Database.Transaction<(messages: IncomingMessage[]) => StoreResult[]>;

  constructor(db: Database.Database) {
    this.insertMessage = db.prepare(
      `INSERT INTO messages (received_at, source, source_ref, mailbox, session_id, client_address, helo, tls,
                             mail_from, recipients, message_id, size, raw, next_attempt_at, auth)
       VALUES (@receivedAt, @source, @sourceRef, @mailbox, @sessionId, @clientAddress, @helo, @tls,
               @mailFrom, @recipients, @messageId, @size, @raw, @receivedAt, @auth)`,
    );
    this.findBySourceRef = db.prepare('SELECT id FROM messages WHERE source_ref = ?').pluck();
    this.insertChunk = db.prepare('INSERT INTO message_chunks (message, seq, data) VALUES (?, ?, ?)');
    this.inTransaction = db.transaction((messages: IncomingMessage[]) => messages.map((m) => this.insert(m)));
  }

  write(messages: IncomingMessage[]): BatchOutcome {
    try {
      return { results: this.inTransaction.immediate(messages), commits: 1 };
    } catch (error) {
      if (messages.length === 1) return { results: [{ stored: false, reason: errorText(error) }], commits: 0 };
      // One bad message must not cost its neighbours their 250: retry each on its own.
      let commits = 0;
      const results = messages.map((message): StoreResult => {
        try {
          const [result] = this.inTransaction.immediate([message]);
          commits++;
          return result;
        } catch (single) {
          return { stored: false, reason: errorText(single) };
        }
      });
      return { results, commits };
    }
  }

  private insert(message: IncomingMessage): StoreResult {
    const known =
      message.sourceRef === undefined ? undefined : (this.findBySourceRef.get(message.sourceRef) as number | undefined);
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
      auth: message.auth ? JSON.stringify(message.auth) : null,
    });
    const id = Number(result.lastInsertRowid);
    if (!inline) {
      let seq = 0;
      for (const chunk of message.chunks) {
        for (let at = 0; at < chunk.length; at += CHUNK_ROW_BYTES)
          this.insertChunk.run(id, seq++, chunk.subarray(at, at + CHUNK_ROW_BYTES));
      }
    }
    return { stored: true, id };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
