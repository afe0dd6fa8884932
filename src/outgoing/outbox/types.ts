import type { NoteableType } from '../../handlers/sink.js';
import type { OutgoingKind } from '../message.js';

/** queued → sending → sent, or → retry → sending …, or → dead (with the reason). */
export type OutboxState = 'queued' | 'sending' | 'retry' | 'sent' | 'dead';

/** One outgoing mail as the trace and the console show it. */
export interface OutgoingMail {
  id: number;
  kind: OutgoingKind;
  state: OutboxState;
  messageId: string;
  recipients: string[];
  subject: string;
  /** The spool message whose handling caused this mail. */
  spoolId: number | null;
  /** The issue or merge request the mail is about. */
  entity: { type: NoteableType; id: number } | null;
  /** Set on a Service Desk thank-you: the ticket it thanks for. */
  thankYouFor: number | null;
  attempts: number;
  nextAttemptAt: number;
  /** Why the last attempt failed, or why the mail is dead. */
  lastError: string | null;
  /** The relay's 250 reply, once sent. */
  response: string | null;
  createdAt: number;
  updatedAt: number;
}
