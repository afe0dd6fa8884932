import { ImapFlow, type SearchObject } from 'imapflow';
import type { MailboxConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { MailboxName, SpoolEntry } from '../spool/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { errorText } from './errorText.js';
import { imapConnectionOptions } from './imapConnection.js';
import { imapFolderRef, imapSourceRef, uidValidityOf } from './imapSourceRef.js';
import { imapSearchQuery } from './imapSearch.js';
import { toIncomingMessage } from './rawMessage.js';
import type { IngestSpool, Poller, PollerHealth } from './types.js';
import { Watchdog } from './watchdog.js';

export interface ImapTiming {
  /** Longest silence from the server while we wait for an answer before the connection is dropped. */
  responseTimeoutMs: number;
  reconnect: BackoffPolicy;
  /** Messages fetched per round trip, so a backlog never sits in memory all at once. */
  batchSize: number;
}

export const DEFAULT_IMAP_TIMING: ImapTiming = {
  responseTimeoutMs: 120_000,
  reconnect: { baseMs: 1_000, maxMs: 5 * 60_000 },
  batchSize: 20,
};

// RFC 2177: servers may end an IDLE after 30 minutes, so we never ask for longer.
const MAX_IDLE_MS = 29 * 60_000;
// imapflow's own default.
const IMAPFLOW_SOCKET_TIMEOUT_MS = 5 * 60_000;

interface FetchedSource {
  uid: number;
  source: Buffer;
}

/**
 * mail_room's IMAP mode, but a message is committed to the spool before it is flagged, so a crash
 * or a failed store at any point means "fetched again", never "lost". Stores are idempotent by
 * sourceRef, which turns the re-fetch into a no-op.
 */
export class ImapPoller implements Poller {
  private readonly stopping = new AbortController();
  private readonly query: SearchObject;
  private readonly folderRef: string;
  private readonly idleMs: number;
  private readonly state: PollerHealth;
  private readonly loop: Promise<void>;
  private client?: ImapFlow;
  /** Set by an EXISTS that arrives while we are busy, so the next IDLE does not sit on it. */
  private news = false;
  private wake?: (reason: string) => void;

  constructor(
    private readonly name: MailboxName,
    private readonly config: MailboxConfig & { host: string; user: string; password: string },
    private readonly spool: IngestSpool,
    private readonly log: Logger,
    private readonly timing: ImapTiming,
    private readonly trustedAuthservIds: readonly string[],
  ) {
    this.query = imapSearchQuery(config.searchCommand);
    this.folderRef = imapFolderRef(config.user, config.host, config.port, config.mailbox);
    this.idleMs = Math.min(config.idleTimeoutSeconds * 1000, MAX_IDLE_MS);
    this.state = { mailbox: name, method: 'imap', connected: false, failedStores: 0, reconnects: 0 };
    this.loop = this.run();
  }

  health(): PollerHealth {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.client?.close();
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.session(() => (failures = 0));
      } catch (error) {
        if (this.stopped) break;
        this.state.lastError = errorText(error);
        this.log.warn({ err: this.state.lastError }, 'IMAP session ended');
      }
      if (this.stopped) break;
      const delayMs = backoffDelay(failures++, this.timing.reconnect);
      this.state.reconnects++;
      this.log.info({ delayMs, failures }, 'reconnecting to the IMAP server');
      await sleep(delayMs, this.stopping.signal);
    }
  }

  /** One connection's life: returns only when stopping, throws when the connection is lost. */
  private async session(onReady: () => void): Promise<void> {
    const { host, port, user, password, mailbox } = this.config;
    const client = new ImapFlow({
      ...imapConnectionOptions(this.config),
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: this.timing.responseTimeoutMs,
      greetingTimeout: this.timing.responseTimeoutMs,
      // Longer than our IDLE cycle, so imapflow's inactivity probe never breaks an IDLE behind our
      // back; silence is the watchdog's business.
      socketTimeout: Math.max(IMAPFLOW_SOCKET_TIMEOUT_MS, this.idleMs + this.timing.responseTimeoutMs),
    });
    const watchdog = new Watchdog(this.timing.responseTimeoutMs, () => {
      this.log.warn(
        { boundMs: this.timing.responseTimeoutMs },
        'IMAP server stopped answering; dropping the connection',
      );
      client.close();
    });
    // Without an 'error' listener an emitted error would crash the process.
    client.on('error', (error: unknown) => this.log.debug({ err: errorText(error) }, 'IMAP connection error'));
    client.on('exists', () => {
      this.news = true;
      this.wake?.('exists');
    });
    client.on('close', () => this.wake?.('close'));
    this.client = client;
    try {
      if (this.stopped) return;
      await watchdog.guard(client.connect());
      const opened = await watchdog.guard(client.mailboxOpen(mailbox));
      this.log.info(
        { host, port, mailbox, uidValidity: String(opened.uidValidity), exists: opened.exists },
        'IMAP mailbox open',
      );
      this.state.connected = true;
      onReady();
      while (!this.stopped) {
        await this.drain(client, watchdog);
        this.state.lastSuccessAt = Date.now();
        const reason = await this.idle(client);
        if (!client.usable && !this.stopped) throw new Error(`connection lost (${reason})`);
        if (reason === 'idle timeout') await this.reselect(client, watchdog);
      }
    } finally {
      watchdog.disarm();
      this.state.connected = false;
      this.wake = undefined;
      client.close();
      this.client = undefined;
    }
  }

  /** Search, then per batch: fetch all (no other command may run inside a fetch), store, flag. */
  private async drain(client: ImapFlow, watchdog: Watchdog): Promise<void> {
    this.news = false;
    const uidValidity = selectedUidValidity(client);
    const found = await watchdog.guard(client.search(this.query, { uid: true }));
    if (!found) throw new Error('UID SEARCH failed');
    // mail_room's limit_max_unread: the oldest first; the rest wait for the next pass, after IDLE, as there.
    const limit = this.config.limitMaxUnread;
    const uids = limit > 0 ? [...found].sort((a, b) => a - b).slice(0, limit) : found;
    for (let i = 0; i < uids.length && !this.stopped; i += this.timing.batchSize) {
      const fetched = await this.fetchSources(client, uids.slice(i, i + this.timing.batchSize), watchdog);
      // UIDs from another UIDVALIDITY name other messages: storing them under ours would be wrong.
      if (selectedUidValidity(client) !== uidValidity) throw new Error('UIDVALIDITY changed during a pass');
      const delivered: number[] = [];
      for (const message of fetched) {
        if (await this.commit(message, uidValidity, client)) delivered.push(message.uid);
      }
      if (delivered.length > 0) await watchdog.guard(this.markDelivered(client, delivered));
    }
  }

  /**
   * A folder deleted and recreated under a selected session leaves Dovecot serving the ghost of
   * the old one (empty SEARCH results, "NO Internal error" during IDLE, and STATUS answers for the
   * selected view) without saying BYE. A fresh SELECT looks the folder up by name again.
   */
  private async reselect(client: ImapFlow, watchdog: Watchdog): Promise<void> {
    const before = selectedUidValidity(client);
    const opened = await watchdog.guard(client.mailboxOpen(this.config.mailbox));
    if (opened.uidValidity !== before) {
      this.log.warn(
        { mailbox: this.config.mailbox, from: String(before), to: String(opened.uidValidity) },
        'UIDVALIDITY changed; continuing under the new one',
      );
    }
  }

  private async fetchSources(client: ImapFlow, uids: number[], watchdog: Watchdog): Promise<FetchedSource[]> {
    const fetched: FetchedSource[] = [];
    watchdog.kick();
    try {
      // imapflow fetches with BODY.PEEK[], so fetching alone does not set \Seen.
      for await (const message of client.fetch(uids, { uid: true, source: true }, { uid: true })) {
        watchdog.kick();
        if (message.source) fetched.push({ uid: message.uid, source: message.source });
      }
    } finally {
      watchdog.disarm();
    }
    return fetched;
  }

  /** True when the message is safely in the spool (now or before), so it may be flagged. */
  private async commit(message: FetchedSource, uidValidity: bigint, client: ImapFlow): Promise<boolean> {
    const sourceRef = imapSourceRef(this.folderRef, uidValidity, message.uid);
    const incoming = toIncomingMessage(
      message.source,
      {
        source: 'imap',
        sourceRef,
        mailbox: this.name,
        sessionId: `imap:${client.id}`,
        tls: client.secureConnection,
      },
      this.trustedAuthservIds,
    );
    const earlier = this.storedUnderEarlierUidValidity(incoming.messageId, uidValidity);
    if (earlier) {
      this.log.info(
        { sourceRef, earlierRef: earlier.sourceRef, spoolId: earlier.id, messageId: incoming.messageId },
        'message was stored before the folder was renumbered; flagging it only',
      );
      return true;
    }
    const result = await this.spool.store(incoming);
    if (!result.stored) {
      this.state.failedStores++;
      this.state.lastError = `spool refused a message: ${result.reason}`;
      this.log.error(
        { sourceRef, messageId: incoming.messageId, reason: result.reason },
        'message not stored; leaving it unread on the server',
      );
      return false;
    }
    // The spool's writer thread logs "message stored" (with the source ref) once it is on disk.
    return true;
  }

  /**
   * After a UIDVALIDITY change every message has a new ref, so one stored but not yet flagged
   * before the change would be stored again. The same Message-ID in this folder under another
   * UIDVALIDITY is taken to be that message.
   */
  private storedUnderEarlierUidValidity(messageId: string | undefined, uidValidity: bigint): SpoolEntry | undefined {
    if (!messageId) return undefined;
    return this.spool.findByMessageId(messageId).find((entry) => {
      const theirs = entry.sourceRef === undefined ? undefined : uidValidityOf(this.folderRef, entry.sourceRef);
      return theirs !== undefined && theirs !== uidValidity;
    });
  }

  private async markDelivered(client: ImapFlow, uids: number[]): Promise<void> {
    const flags = this.config.deleteAfterDelivery ? ['\\Seen', '\\Deleted'] : ['\\Seen'];
    if (!(await client.messageFlagsAdd(uids, flags, { uid: true }))) throw new Error('UID STORE failed');
    // With UIDPLUS this is UID EXPUNGE of our messages only; mail_room expunges the whole folder.
    if (
      this.config.deleteAfterDelivery &&
      this.config.expungeDeleted &&
      !(await client.messageDelete(uids, { uid: true }))
    ) {
      throw new Error('EXPUNGE failed');
    }
  }

  /** IDLE until new mail, the idle timeout (then we look again and re-IDLE), a lost connection, or stop. */
  private idle(client: ImapFlow): Promise<string> {
    if (this.news) return Promise.resolve('exists');
    if (this.stopped) return Promise.resolve('stop');
    if (!client.usable) return Promise.resolve('close');
    return new Promise((resolve) => {
      const finish = (reason: string) => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', onStop);
        this.wake = undefined;
        resolve(reason);
      };
      const onStop = () => finish('stop');
      const timer = setTimeout(() => finish('idle timeout'), this.idleMs);
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      this.wake = finish;
      // Ends when our next command breaks it; a failure shows up as 'close' or at that command.
      client.idle().catch((error: unknown) => this.log.debug({ err: errorText(error) }, 'IDLE ended with an error'));
    });
  }
}

function selectedUidValidity(client: ImapFlow): bigint {
  if (!client.mailbox) throw new Error('no mailbox selected');
  return client.mailbox.uidValidity;
}
