import type { MailboxConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { MailboxName } from '../spool/index.js';
import { DEFAULT_GRAPH_TIMING, type GraphTiming } from './graphClient.js';
import { graphOptions } from './graphOptions.js';
import { GraphPoller } from './graphPoller.js';
import { DEFAULT_IMAP_TIMING, ImapPoller, type ImapTiming } from './imapPoller.js';
import type { IngestSpool, Poller, PollerHealth } from './types.js';

export type { IngestSpool, Poller, PollerHealth } from './types.js';
export type { ImapTiming } from './imapPoller.js';
export type { GraphTiming } from './graphClient.js';
export { ImapPoller } from './imapPoller.js';
export { GraphPoller } from './graphPoller.js';

export interface IngestOptions {
  incoming?: MailboxConfig;
  serviceDesk?: MailboxConfig;
  spool: IngestSpool;
  logger: Logger;
  /** `sender_auth.trusted_authserv_ids`: whose Authentication-Results a polled message's results come from. */
  trustedAuthservIds?: readonly string[];
  /** Tests shorten these; production uses the defaults. */
  imapTiming?: Partial<ImapTiming>;
  graphTiming?: Partial<GraphTiming>;
}

export interface RunningIngest {
  pollers: Poller[];
  health(): PollerHealth[];
  /** Stop before closing the spool: it waits for stores in flight. */
  stop(): Promise<void>;
}

/**
 * Starts a poller for each enabled mailbox that has somewhere to poll: an IMAP `host`, or
 * `inbox_method: microsoft_graph`. A mailbox without either is fed over SMTP only. A config that
 * cannot work (no user, no password) throws here, before anything runs.
 */
export function startIngest(options: IngestOptions): RunningIngest {
  const wanted = (
    [
      ['incoming', options.incoming],
      ['serviceDesk', options.serviceDesk],
    ] as const
  ).filter((entry): entry is readonly [MailboxName, MailboxConfig] => entry[1] !== undefined && polled(entry[1]));
  // Validate all before starting any, so a bad second mailbox leaves no first one running.
  const starters = wanted.map(([name, config]) => starter(name, config, options));
  const pollers = starters.map((start) => start());
  return {
    pollers,
    health: () => pollers.map((poller) => poller.health()),
    async stop() {
      await Promise.all(pollers.map((poller) => poller.stop()));
    },
  };
}

function polled(config: MailboxConfig): boolean {
  return config.enabled && (config.inboxMethod === 'microsoft_graph' || Boolean(config.host));
}

function starter(name: MailboxName, config: MailboxConfig, options: IngestOptions): () => Poller {
  const log = options.logger.child({ component: 'ingest', mailbox: name, method: config.inboxMethod });
  const { user, password, host } = config;
  const trusted = options.trustedAuthservIds ?? [];
  if (!user) throw new Error(`${name}: user is required to poll a mailbox`);
  if (config.inboxMethod === 'microsoft_graph') {
    const graph = graphOptions(config);
    const timing = { ...DEFAULT_GRAPH_TIMING, ...options.graphTiming };
    return () => new GraphPoller(name, { ...config, user }, graph, options.spool, log, timing, trusted);
  }
  if (!host || password === undefined) throw new Error(`${name}: host and password are required for IMAP`);
  const timing = { ...DEFAULT_IMAP_TIMING, ...options.imapTiming };
  return () => new ImapPoller(name, { ...config, host, user, password }, options.spool, log, timing, trusted);
}
export { imapConnectionOptions, imapTransport } from './imapConnection.js';
export { DEFAULT_GRAPH_TIMING, GraphClient, parseJson } from './graphClient.js';
export { graphOptions, graphUserUrl, unreadMessagesUrl } from './graphOptions.js';
