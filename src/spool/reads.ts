import type Database from 'better-sqlite3';
import { readTransaction } from '../sqlite/readTransaction.js';
import { statementCache } from '../sqlite/statementCache.js';
import type { AuthResults } from '../auth/index.js';
import type { BodyFiles } from './bodyFiles.js';
import type { Outcome } from './outcome.js';
import { FAILED_STATES, OPEN_STATES } from './schema.js';
import type {
  ClaimedDelivery,
  DeliveryEntry,
  MessageTrace,
  SpoolEntry,
  SpoolEvent,
  SpoolState,
  StoredMessage,
} from './types.js';

interface MessageRow {
  id: number;
  received_at: number;
  source: StoredMessage['source'];
  source_ref: string | null;
  mailbox: StoredMessage['mailbox'] | null;
  session_id: string;
  client_address: string | null;
  helo: string | null;
  tls: number;
  mail_from: string;
  recipients: string;
  message_id: string | null;
  size: number;
  own_header_bytes: number;
  auth: string | null;
}

interface DeliveryRow {
  id: number;
  message: number;
  recipient: string | null;
  state: SpoolState;
  attempts: number;
  budget_from: number;
  next_attempt_at: number;
  last_error: string | null;
  mail_key: string | null;
  key_source: string | null;
  handler: string | null;
  outcome: string | null;
  finished_at: number | null;
}

interface EventRow {
  delivery: number | null;
  at: number;
  attempt: number;
  kind: string;
  detail: string | null;
}

// Every column but the bytes: a read of the envelope never loads the message.
const MESSAGE_COLUMNS = `id, received_at, source, source_ref, mailbox, session_id, client_address, helo, tls,
  mail_from, recipients, message_id, size, own_header_bytes, auth`;

// A message's summary state is its most pressing delivery's: work still open first, then failures.
const PRESSING: readonly SpoolState[] = ['processing', 'retry', 'queued', 'dead', 'rejected', 'ignored', 'done'];

/** The spool's read side: messages, their deliveries and their trace, as values. */
export class SpoolReads {
  private readonly messageById: Database.Statement;
  private readonly deliveriesByMessage: Database.Statement;

  /** Statements compiled once: the worker reads a delivery, its message and its bytes each time. */
  private readonly statement: (sql: string) => Database.Statement;
  private readonly together: <T>(read: () => T) => T;

  constructor(
    db: Database.Database,
    private readonly bodies: BodyFiles,
  ) {
    this.statement = statementCache(db);
    this.together = readTransaction(db);
    this.messageById = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`);
    this.deliveriesByMessage = db.prepare('SELECT * FROM deliveries WHERE message = ? ORDER BY id');
  }

  message(id: number): StoredMessage | undefined {
    const row = this.messageById.get(id) as MessageRow | undefined;
    return row && toMessage(row);
  }

  entry(id: number): SpoolEntry | undefined {
    const message = this.message(id);
    return message && summarise(message, this.deliveriesOf(id));
  }

  raw(id: number): Buffer | undefined {
    const row = this.statement('SELECT raw, body_file, body_offset, size FROM messages WHERE id = ?').get(id) as
      { raw: Buffer | null; body_file: string | null; body_offset: number | null; size: number } | undefined;
    if (!row) return undefined;
    if (row.raw) return row.raw;
    if (row.body_file !== null) return this.bodies.read(row.body_file, row.body_offset ?? 0, row.size);
    // Written by an earlier Postroom: large messages in mebibyte rows.
    const chunks = this.statement('SELECT data FROM message_chunks WHERE message = ? ORDER BY seq')
      .pluck()
      .all(id) as Buffer[];
    return Buffer.concat(chunks);
  }

  byMessageId(messageId: string): SpoolEntry[] {
    const rows = this.statement(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE message_id = ? ORDER BY id`).all(
      messageId,
    ) as MessageRow[];
    return rows.map((row) => summarise(toMessage(row), this.deliveriesOf(row.id)));
  }

  byState(state: SpoolState, limit: number, before = Number.MAX_SAFE_INTEGER): SpoolEntry[] {
    const ids = this.statement(
      `SELECT DISTINCT message FROM deliveries WHERE ${indexedStates(state)} state = ? AND message < ?
         ORDER BY message DESC LIMIT ?`,
    )
      .pluck()
      .all(state, before, limit) as number[];
    return ids.flatMap((id) => this.entry(id) ?? []);
  }

  delivery(id: number): DeliveryEntry | undefined {
    const row = this.statement('SELECT * FROM deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
    return row && toDelivery(row);
  }

  /** Deliveries with their messages' envelopes, read in one transaction; one that is gone is left out. */
  claimed(ids: readonly number[]): Map<number, ClaimedDelivery> {
    return this.together(() => {
      const claimed = new Map<number, ClaimedDelivery>();
      for (const id of ids) {
        const delivery = this.delivery(id);
        if (delivery) claimed.set(id, { delivery, message: this.message(delivery.message) });
      }
      return claimed;
    });
  }

  deliveriesOf(messageId: number): DeliveryEntry[] {
    return (this.deliveriesByMessage.all(messageId) as DeliveryRow[]).map(toDelivery);
  }

  events(messageId: number): SpoolEvent[] {
    const rows = this.statement(
      'SELECT delivery, at, attempt, kind, detail FROM message_events WHERE message = ? ORDER BY seq',
    ).all(messageId) as EventRow[];
    return rows.map(toEvent);
  }

  trace(messageId: number): MessageTrace | undefined {
    const entry = this.entry(messageId);
    if (!entry) return undefined;
    const events = this.events(messageId);
    return {
      ...entry,
      deliveries: entry.deliveries.map((d) => ({ ...d, events: events.filter((e) => e.delivery === d.id) })),
      events,
    };
  }

  /** Open and failed deliveries are counted in their indexes; done ones are what is left of the total. */
  countByState(): Record<string, number> {
    const rows = this.statement(
      `SELECT state, count(*) AS n FROM deliveries WHERE ${OPEN_STATES} GROUP BY state
       UNION ALL SELECT state, count(*) FROM deliveries WHERE ${FAILED_STATES} GROUP BY state`,
    ).all() as { state: string; n: number }[];
    const total = this.statement('SELECT count(*) FROM deliveries').pluck().get() as number;
    const done = total - rows.reduce((sum, r) => sum + r.n, 0);
    return Object.fromEntries([...rows.map((r) => [r.state, r.n]), ...(done > 0 ? [['done', done]] : [])]);
  }
}

/** The term that lets a query by state use the index holding that state (done deliveries have none). */
function indexedStates(state: string): string {
  const term = [OPEN_STATES, FAILED_STATES].find((t) => t.includes(`'${state}'`));
  return term ? `${term} AND` : '';
}

/** A query of the messages with a delivery in any of `states` (bound in that order), each state through its index. */
export function messagesInStates(states: readonly string[]): string {
  return states
    .map((state) => `SELECT message FROM deliveries WHERE ${indexedStates(state)} state = ?`)
    .join(' UNION ALL ');
}

function summarise(message: StoredMessage, deliveries: DeliveryEntry[]): SpoolEntry {
  const rank = (d: DeliveryEntry) => PRESSING.indexOf(d.state);
  const lead = deliveries.reduce<DeliveryEntry | undefined>((a, d) => (a && rank(a) <= rank(d) ? a : d), undefined);
  return {
    ...message,
    state: lead?.state ?? 'done',
    attempts: Math.max(0, ...deliveries.map((d) => d.attempts)),
    nextAttemptAt: lead?.nextAttemptAt ?? message.receivedAt,
    lastError: lead?.lastError,
    outcome: lead?.outcome,
    key: lead?.key,
    keySource: lead?.keySource,
    handler: lead?.handler,
    deliveries,
  };
}

function toMessage(row: MessageRow): StoredMessage {
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
    ownHeaderBytes: row.own_header_bytes,
    auth: row.auth ? (JSON.parse(row.auth) as AuthResults) : undefined,
  };
}

function toDelivery(row: DeliveryRow): DeliveryEntry {
  return {
    id: row.id,
    message: row.message,
    recipient: row.recipient ?? undefined,
    state: row.state,
    attempts: row.attempts,
    budgetFrom: row.budget_from,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? undefined,
    key: row.mail_key ?? undefined,
    keySource: row.key_source ?? undefined,
    handler: row.handler ?? undefined,
    outcome: row.outcome ? (JSON.parse(row.outcome) as Outcome) : undefined,
    finishedAt: row.finished_at ?? undefined,
  };
}

function toEvent(row: EventRow): SpoolEvent {
  return {
    delivery: row.delivery ?? undefined,
    at: row.at,
    attempt: row.attempt,
    kind: row.kind,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : undefined,
  };
}
