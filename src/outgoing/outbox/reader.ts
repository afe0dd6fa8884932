import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Outbox } from './outbox.js';
import type { OutgoingMail } from './types.js';

export interface OutgoingMailReader {
  /** Every mail the spool message caused (notices, notifications, thank-you mail), in order. */
  causedBy(spoolId: number): OutgoingMail[];
  close(): void;
}

/**
 * The outbox of a tracker file, read-only, for the trace. A file that does not exist yet, or has
 * no outbox (written by an older Postroom), has sent nothing.
 */
export function outgoingMailOf(trackerPath: string): OutgoingMailReader {
  const nothing: OutgoingMailReader = { causedBy: () => [], close() {} };
  if (trackerPath === ':memory:' || !existsSync(trackerPath)) return nothing;
  const db = new Database(trackerPath, { readonly: true, fileMustExist: true });
  const hasOutbox = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").get();
  if (!hasOutbox) {
    db.close();
    return nothing;
  }
  const outbox = new Outbox(db);
  return { causedBy: (spoolId) => outbox.causedBy(spoolId), close: () => db.close() };
}

/** The trace's lines for the mails a message caused: one per mail, with attempts and final state. */
export function describeOutgoingMail(mails: readonly OutgoingMail[]): string[] {
  if (mails.length === 0) return [];
  return [
    '  outgoing mail:',
    ...mails.map((mail) => {
      const ending = mail.state === 'sent' ? mail.response : mail.lastError;
      return `    #${mail.id} ${mail.kind} ${mail.messageId} to ${mail.recipients.join(', ')}: ${mail.state} after ${mail.attempts} attempt(s)${ending ? `: ${ending}` : ''}`;
    }),
  ];
}
