import type { MailboxConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { MailboxName } from '../spool/index.js';
import { sleep } from './backoff.js';
import { errorText } from './errorText.js';
import { GraphClient, GraphError, parseJson, type GraphTiming } from './graphClient.js';
import { graphUserUrl, unreadMessagesUrl, type GraphOptions } from './graphOptions.js';
import { toIncomingMessage } from './rawMessage.js';
import type { IngestSpool, Poller, PollerHealth } from './types.js';

interface MessagePage {
  value?: { id?: unknown }[];
  '@odata.nextLink'?: unknown;
}

/**
 * mail_room's Microsoft Graph mode: every poll lists the folder's unread messages, commits each
 * raw message to the spool and only then marks it read (and deletes it if configured). Any error
 * is logged and the poll is simply repeated; nothing here can end the process.
 */
export class GraphPoller implements Poller {
  private readonly stopping = new AbortController();
  private readonly client: GraphClient;
  private readonly userUrl: string;
  private readonly state: PollerHealth;
  private readonly loop: Promise<void>;

  constructor(
    private readonly name: MailboxName,
    private readonly config: MailboxConfig & { user: string },
    private readonly options: GraphOptions,
    private readonly spool: IngestSpool,
    private readonly log: Logger,
    timing: GraphTiming,
    private readonly trustedAuthservIds: readonly string[],
  ) {
    this.client = new GraphClient(options, timing, this.stopping.signal, log);
    this.userUrl = graphUserUrl(options, config.user);
    this.state = { mailbox: name, method: 'microsoft_graph', connected: false, failedStores: 0, reconnects: 0 };
    this.loop = this.run();
  }

  health(): PollerHealth {
    return { ...this.state };
  }

  /** How often the service asked us to slow down. */
  get throttled(): number {
    return this.client.throttled;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.poll();
        this.state.connected = true;
        this.state.lastSuccessAt = Date.now();
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        this.state.connected = false;
        this.state.lastError = errorText(error);
        this.log.warn({ err: this.state.lastError }, 'Microsoft Graph poll failed; trying again at the next poll');
      }
      await sleep(this.options.pollIntervalMs, this.stopping.signal);
    }
  }

  private async poll(): Promise<void> {
    for (const id of await this.listUnread()) {
      if (this.stopping.signal.aborted) return;
      try {
        await this.deliver(id);
      } catch (error) {
        // Throttling or an unreachable service concerns every message: end this poll.
        if (!(error instanceof GraphError) || error.status === 0 || error.status === 429 || error.status >= 500)
          throw error;
        this.log.warn({ graphId: id, err: errorText(error) }, 'Microsoft Graph message skipped this poll');
      }
    }
  }

  /**
   * All pages first, acting afterwards: marking messages read while paging through an
   * `isRead eq false` listing would shift the pages under us and skip messages.
   */
  private async listUnread(): Promise<string[]> {
    const ids: string[] = [];
    let url: string | undefined = unreadMessagesUrl(this.userUrl, this.config.mailbox);
    while (url) {
      const page = parseJson(await this.client.request('GET', url)) as MessagePage;
      if (!Array.isArray(page.value)) throw new GraphError(200, 'message list without a value array');
      for (const item of page.value) if (typeof item.id === 'string') ids.push(item.id);
      url = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
    }
    return ids;
  }

  private async deliver(id: string): Promise<void> {
    const messageUrl = `${this.userUrl}/messages/${encodeURIComponent(id)}`;
    const raw = (await this.client.request('GET', `${messageUrl}/$value`)).body;
    const incoming = toIncomingMessage(
      raw,
      {
        source: 'graph',
        sourceRef: `graph:${this.config.user}/${id}`,
        mailbox: this.name,
        sessionId: `graph:${this.name}`,
        tls: this.options.graphEndpoint.startsWith('https:'),
      },
      this.trustedAuthservIds,
    );
    const result = await this.spool.store(incoming);
    if (!result.stored) {
      this.state.failedStores++;
      this.state.lastError = `spool refused a message: ${result.reason}`;
      this.log.error(
        { sourceRef: incoming.sourceRef, messageId: incoming.messageId, reason: result.reason },
        'message not stored; leaving it unread',
      );
      return;
    }
    // The spool's writer thread logs "message stored" (with the source ref) once it is on disk.
    await this.client.request('PATCH', messageUrl, { isRead: true });
    if (this.config.deleteAfterDelivery) await this.client.request('DELETE', messageUrl);
  }
}
