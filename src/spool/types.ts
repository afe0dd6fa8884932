import type { AuthResults } from '../auth/index.js';
import type { Outcome, Routing, TraceEvent } from './outcome.js';

/** Where a message came in. */
export type SpoolSource = 'smtp' | 'imap' | 'graph';

/**
 * A message's place in its life: `queued` waits for the worker, `processing` is claimed,
 * and the rest are final or waiting states the worker writes.
 */
export type SpoolState = 'queued' | 'processing' | 'retry' | 'done' | 'ignored' | 'rejected' | 'dead';

/** The configured address a message belongs to, when the source knows it (IMAP and Graph do). */
export type MailboxName = 'incoming' | 'serviceDesk';

export interface Envelope {
  source: SpoolSource;
  /**
   * The source's own name for the message (e.g. `imap:<user>@<host>/<mailbox>/<uidvalidity>/<uid>`);
   * a second store with the same ref is answered with the first one's id, so a fetch repeated
   * after a crash cannot store the message twice.
   */
  sourceRef?: string;
  mailbox?: MailboxName;
  sessionId: string;
  clientAddress?: string;
  helo?: string;
  tls: boolean;
  /** `''` for the null sender `<>` (bounces and other automatic mail). */
  mailFrom: string;
  recipients: string[];
  receivedAt: number;
  /** What sender authentication found at end of DATA (SMTP only, when it is on). */
  auth?: AuthResults;
}

/** What the front door hands the spool: the envelope plus the message as received, in pieces. */
export interface IncomingMessage extends Envelope {
  messageId?: string;
  /** The message's bytes in memory; with a spill file, the ones before the file's. */
  chunks: Buffer[];
  /**
   * The rest of the message in a file of the spool's incoming directory (see Spool.spillPath),
   * read in pieces at commit. Handing the message to `store` hands the file over too: the
   * spool removes it once the store is answered.
   */
  spillFile?: string;
  /**
   * Leading bytes of the spill file that are not part of the message: its header block as
   * received, when a cleaned one (without a forged Authentication-Results) is in `chunks` instead.
   */
  spillOffset?: number;
  /**
   * The chunks' memory belongs to this message alone (whole ArrayBuffers, none shared with Node's
   * pool or a socket), so the spool may move it to its writer thread instead of copying it.
   */
  transferable?: boolean;
  size: number;
  /** How many leading bytes Postroom wrote itself (its Received header): the rest is what the sender sent. */
  ownHeaderBytes?: number;
}

/** A stored message as it arrived; it never changes after the commit. */
export interface StoredMessage extends Envelope {
  id: number;
  messageId?: string;
  size: number;
  ownHeaderBytes: number;
}

/** One accepted recipient of a message: what routing found for it, its state and its attempts. */
export interface DeliveryEntry extends Routing {
  id: number;
  message: number;
  /** The envelope recipient (canonical spelling); undefined when the source has none (IMAP, Graph). */
  recipient?: string;
  state: SpoolState;
  attempts: number;
  /** When the current budget of attempts and age started: reception, or the last replay. */
  budgetFrom: number;
  nextAttemptAt: number;
  lastError?: string;
  outcome?: Outcome;
  finishedAt?: number;
}

/**
 * A message with the state of its most pressing delivery (in progress before failed before
 * done), so one field says whether anything about it is still open; `deliveries` has each one.
 */
export interface SpoolEntry extends StoredMessage, Routing {
  state: SpoolState;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  outcome?: Outcome;
  deliveries: DeliveryEntry[];
}

/** A step of a delivery (or of the message, when `delivery` is absent). */
export interface SpoolEvent extends TraceEvent {
  delivery?: number;
}

/** A delivery the worker claimed, with its message's envelope (undefined once the message is gone). */
export interface ClaimedDelivery {
  delivery: DeliveryEntry;
  message: StoredMessage | undefined;
}

/** Everything known about a message: the trace the CLI, the JSON API and the console show. */
export interface MessageTrace extends SpoolEntry {
  deliveries: (DeliveryEntry & { events: SpoolEvent[] })[];
  /** Every event of the message, in order. */
  events: SpoolEvent[];
}

/** The answer to "is it on disk?": the only thing that may lead to a 250. */
export type StoreResult = { stored: true; id: number; duplicate?: true } | { stored: false; reason: string };
