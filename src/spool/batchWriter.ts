import type Database from 'better-sqlite3';
import { canonicalRecipient } from '../address/envelopeRecipient.js';
import type { BodyFiles } from './bodyFiles.js';
import { messagePieces } from './incomingBytes.js';
import type { IncomingMessage, StoreResult } from './types.js';

// Small messages live in their row; larger ones in a body file of the commit (BodyFiles), so
// their bytes are written once instead of once to the WAL and again by the checkpoint. A new
// file's fsync costs the filesystem's journal some 20-30 KiB at the disk, so a file wins only
// above about 8-12 KiB alone, and by far when a commit carries several (bench:writes).
const INLINE_LIMIT_BYTES = 16 * 1024;
// Spill files are read this much at a time.
const SPILL_PIECE_BYTES = 1024 * 1024;

interface BodyPlace {
  file: string;
  offset: number;
}

export interface BatchOutcome {
  results: StoreResult[];
  commits: number;
}

/** Writes a batch of messages in one transaction; the one place rows enter the spool. */
export class BatchWriter {
  private readonly insertMessage: Database.Statement;
  private readonly insertDelivery: Database.Statement;
  private readonly findBySourceRef: Database.Statement;
  private readonly inTransaction: Database.Transaction<(messages: IncomingMessage[]) => StoreResult[]>;
  private places = new Map<IncomingMessage, BodyPlace>();
  /** Spill files are read through this one buffer; each piece is written out before the next is read. */
  private readonly scratch = Buffer.allocUnsafeSlow(SPILL_PIECE_BYTES);

  constructor(
    db: Database.Database,
    private readonly bodies: BodyFiles,
  ) {
    this.insertMessage = db.prepare(
      `INSERT INTO messages (received_at, source, source_ref, mailbox, session_id, client_address, helo, tls,
                             mail_from, recipients, message_id, size, raw, own_header_bytes, body_file, body_offset, auth)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDelivery = db.prepare(
      'INSERT INTO deliveries (message, recipient, budget_from, next_attempt_at) VALUES (?, ?, ?, ?)',
    );
    this.findBySourceRef = db.prepare('SELECT id FROM messages WHERE source_ref = ?').pluck();
    this.inTransaction = db.transaction((messages: IncomingMessage[]) => messages.map((m) => this.insert(m)));
  }

  write(messages: IncomingMessage[]): BatchOutcome {
    const large = messages.filter((m) => m.size > INLINE_LIMIT_BYTES);
    let bodyFile: string | undefined;
    let bodyFailure: string | undefined;
    if (large.length > 0) {
      try {
        const written = this.bodies.writeBatch(large.map((m) => messagePieces(m, SPILL_PIECE_BYTES, this.scratch)));
        bodyFile = written.file;
        this.places = new Map(large.map((m, i) => [m, { file: written.file, offset: written.offsets[i] }]));
      } catch (error) {
        bodyFailure = errorText(error);
      }
    }
    const storable = bodyFailure === undefined ? messages : messages.filter((m) => m.size <= INLINE_LIMIT_BYTES);
    const outcome = this.commit(storable);
    const byMessage = new Map(storable.map((m, i) => [m, outcome.results[i]]));
    const results = messages.map((m) => byMessage.get(m) ?? { stored: false as const, reason: bodyFailure! });
    if (bodyFile !== undefined && !large.some((m) => byMessage.get(m)?.stored)) this.bodies.remove(bodyFile);
    this.places.clear();
    return { results, commits: outcome.commits };
  }

  private commit(messages: IncomingMessage[]): BatchOutcome {
    if (messages.length === 0) return { results: [], commits: 0 };
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
    const place = this.places.get(message);
    // In the order of the column list: binding by position costs the writer less than by name.
    const result = this.insertMessage.run(
      message.receivedAt,
      message.source,
      message.sourceRef ?? null,
      message.mailbox ?? null,
      message.sessionId,
      message.clientAddress ?? null,
      message.helo ?? null,
      message.tls ? 1 : 0,
      message.mailFrom,
      JSON.stringify(message.recipients),
      message.messageId ?? null,
      message.size,
      place ? null : Buffer.concat([...messagePieces(message, SPILL_PIECE_BYTES)], message.size),
      message.ownHeaderBytes ?? 0,
      place?.file ?? null,
      place?.offset ?? null,
      message.auth ? JSON.stringify(message.auth) : null,
    );
    const id = Number(result.lastInsertRowid);
    for (const recipient of deliveryRecipients(message.recipients))
      this.insertDelivery.run(id, recipient, message.receivedAt, message.receivedAt);
    return { stored: true, id };
  }
}

/** One delivery per distinct recipient; a source without an envelope (IMAP, Graph) has one, routed by the headers. */
function deliveryRecipients(recipients: string[]): (string | null)[] {
  if (recipients.length === 0) return [null];
  return [...new Set(recipients.map(canonicalRecipient))];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
