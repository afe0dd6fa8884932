import type { Spool } from '../spool/index.js';
import type { MailboxName } from '../spool/index.js';

/** What a poller needs of the spool: durable stores, and a look back by Message-ID. */
export type IngestSpool = Pick<Spool, 'store' | 'findByMessageId'>;

/** A poller's answer to "are you alive?", for the health endpoint. */
export interface PollerHealth {
  mailbox: MailboxName;
  method: 'imap' | 'microsoft_graph';
  /** Connected to the server right now (Graph: the last poll reached it). */
  connected: boolean;
  /** When the server last answered a full pass (IMAP: search/fetch/flag or an IDLE cycle; Graph: a poll). */
  lastSuccessAt?: number;
  lastError?: string;
  /** Messages the spool refused; they stay unread on the server and are fetched again. */
  failedStores: number;
  reconnects: number;
}

export interface Poller {
  health(): PollerHealth;
  /** Ends the loop, closes sockets and timers, and waits for an in-flight store to settle. */
  stop(): Promise<void>;
}
