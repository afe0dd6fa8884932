import type Database from 'better-sqlite3';
import libmime from 'libmime';
import type { RawHeader } from '../../address/index.js';
import { firstField, readHeaderFields } from '../../message/headers.js';
import { messagesInStates, type SpoolEntry, type SpoolState } from '../../spool/index.js';
import type { HttpSpool } from '../types.js';

export interface MessageFilter {
  states?: SpoolState[];
  /** Part of the envelope sender. */
  sender?: string;
  /** Part of any envelope recipient. */
  recipient?: string;
  /** Received at or after / before, in ms since the epoch. */
  since?: number;
  until?: number;
  /** A Message-ID (with or without brackets) or words of the subject. */
  search?: string;
  /** Keyset paging: only ids below this one. */
  before?: number;
  limit: number;
}

export interface MessageSummary {
  id: number;
  receivedAt: number;
  mailFrom: string;
  recipients: string[];
  messageId?: string;
  subject?: string;
  state: SpoolState;
  lastError?: string;
  size: number;
}

export interface MessagePage {
  rows: MessageSummary[];
  /** The id to page back from, when there are older rows. */
  nextBefore?: number;
  /**
   * Set when a subject search stopped after this many messages (subjects are read from each
   * message) before it filled the page; `nextBefore` then goes on from the last one it read.
   */
  scanLimit?: number;
}

// Where a list looks for the Subject; the message page reads the whole header block.
const HEAD_BYTES = 16 * 1024;
// A subject search reads each message's head (on the SMTP front's thread): it looks this far back and says so.
const SUBJECT_SCAN = 2_000;

const looksLikeMessageId = (search: string) => /^<?[^\s<>]+@[^\s<>]+>?$/.test(search);
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The console's view of stored messages: a list with filters, and each row's subject. The spool's
 * reads give each message; the filtering query and the head of the bytes are read here, read-only.
 */
export class MessageLog {
  private readonly head: Database.Statement;
  private readonly db: Database.Database;

  constructor(private readonly spool: Pick<HttpSpool, 'db' | 'get' | 'raw'>) {
    this.db = spool.db;
    this.head = this.db
      .prepare(
        `SELECT coalesce(substr(raw, 1, @n),
           (SELECT substr(data, 1, @n) FROM message_chunks WHERE message = m.id ORDER BY seq LIMIT 1))
         FROM messages m WHERE id = @id`,
      )
      .pluck();
  }

  subject(id: number): string | undefined {
    // Bytes kept in a body file (large messages) are read whole: rarely, and only for a page of rows.
    const head = (this.head.get({ id, n: HEAD_BYTES }) as Buffer | null | undefined) ?? this.spool.raw(id);
    return head ? subjectOf(readHeaderFields(head.subarray(0, HEAD_BYTES))) : undefined;
  }

  list(filter: MessageFilter): MessagePage {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (filter.states?.length) add(`id IN (${messagesInStates(filter.states)})`, ...filter.states);
    if (filter.sender) add(`mail_from LIKE ? ESCAPE '\\'`, likePattern(filter.sender));
    if (filter.recipient) add(`recipients LIKE ? ESCAPE '\\'`, likePattern(filter.recipient));
    if (filter.since !== undefined) add('received_at >= ?', filter.since);
    if (filter.until !== undefined) add('received_at < ?', filter.until);
    if (filter.before !== undefined) add('id < ?', filter.before);
    const search = filter.search?.trim();
    const byMessageId = search && looksLikeMessageId(search);
    if (byMessageId) add('message_id = ?', `<${search.replace(/^<|>$/g, '')}>`);
    const subjectWords = search && !byMessageId ? search.toLowerCase() : undefined;
    const limit = subjectWords ? SUBJECT_SCAN : filter.limit + 1;
    const rows = this.db
      .prepare(`SELECT id FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .pluck()
      .all(...params, limit) as number[];
    const summaries: MessageSummary[] = [];
    for (const id of rows) {
      const entry = this.spool.get(id);
      if (!entry) continue;
      const summary = toSummary(entry, this.subject(id));
      if (subjectWords && !summary.subject?.toLowerCase().includes(subjectWords)) continue;
      summaries.push(summary);
      if (summaries.length > filter.limit) break;
    }
    const more = summaries.length > filter.limit;
    const shown = summaries.slice(0, filter.limit);
    // A search that stopped at the scan limit goes on, page by page, from the last message it read.
    const scanStopped = subjectWords !== undefined && rows.length === SUBJECT_SCAN;
    return {
      rows: shown,
      nextBefore: more ? shown[shown.length - 1].id : scanStopped ? rows[rows.length - 1] : undefined,
      scanLimit: scanStopped && !more ? SUBJECT_SCAN : undefined,
    };
  }
}

function toSummary(entry: SpoolEntry, subject: string | undefined): MessageSummary {
  return {
    id: entry.id,
    receivedAt: entry.receivedAt,
    mailFrom: entry.mailFrom,
    recipients: entry.recipients,
    messageId: entry.messageId,
    subject,
    state: entry.state,
    lastError: entry.lastError,
    size: entry.size,
  };
}

export function subjectOf(fields: RawHeader[]): string | undefined {
  const value = firstField(fields, 'subject');
  return value === undefined ? undefined : decodeWords(value);
}

/** RFC 2047 words decoded for display; a broken one is shown as sent. */
export function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
