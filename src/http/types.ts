import type { PollerHealth } from '../ingest/index.js';
import type { TlsStatus } from '../smtp/certificateReload.js';
import type { Spool, WorkQueue } from '../spool/index.js';
import type { Tracker } from '../tracker/index.js';
import type { AddressTemplates } from './addresses.js';
import type { Fields } from './fields.js';
import type { Reply } from './reply.js';

/** What the server reads of the spool: counts and counters for health and metrics, one message's trace. */
export type HttpSpool = Pick<Spool, 'countByState' | 'stats' | 'get' | 'raw' | 'trace' | 'db'> & {
  queue: Pick<WorkQueue, 'nextDueAt' | 'requeue'>;
};

/** The routing thread as its supervisor sees it. */
export interface RoutingHealth {
  running: boolean;
  /** Times the thread was started again after it stopped. */
  restarts: number;
  lastError?: string;
}

/** One outgoing mail as the outbox keeps it (the fields the console shows of the outbox's record). */
export interface OutboxEntry {
  id: number;
  kind: string;
  state: string;
  messageId: string;
  recipients: string[];
  subject: string;
  /** The spool message whose routing caused it. */
  spoolId: number | null;
  attempts: number;
  /** Why the last attempt failed, or why the mail is dead. */
  lastError: string | null;
  /** The relay's reply, once sent. */
  response: string | null;
  createdAt: number;
}

/** What health, metrics and the console read of the outbox; absent until there is one, and the pages say so. */
export interface OutboxReader {
  /** Outgoing mail by state (`queued`, `sent`, `dead`…). */
  countByState(): Record<string, number>;
  /** The newest mails in this state. */
  byState(state: string, limit: number): OutboxEntry[];
  causedBy(spoolId: number): OutboxEntry[];
}

/** Every source the pages, health and metrics read; each optional one is shown as absent when missing. */
export interface HttpSources {
  /** Absent when the sink is GitLab: the tracker's API and pages then answer 404. */
  tracker?: Tracker;
  spool: HttpSpool;
  /** The pollers' liveness (RunningPostroom.ingestHealth). */
  health: () => PollerHealth[];
  /** Absent when routing runs in another process (`worker.enabled: false`). */
  routing?: () => RoutingHealth;
  outbox?: OutboxReader;
  /** Tells routing that replayed mail is waiting (it would otherwise find it at its next poll). */
  wakeRouting?: () => void;
  /** The certificate STARTTLS serves; absent without an SMTP front. */
  tls?: () => TlsStatus;
  /** SMTP replies given so far, by code (250, 450, 550…). */
  smtpReplies?: () => Record<string, number>;
}

/** Everything an API handler may use, handed in by whoever starts the server. */
export interface HttpDeps extends HttpSources {
  templates: AddressTemplates;
}

export interface ApiRequest {
  /** Path parameters, already percent-decoded (`demo%2Fwebsite` → `demo/website`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body; read on demand so GET handlers never wait for one. */
  body(): Promise<Fields>;
  deps: HttpDeps;
}

export type Handler = (request: ApiRequest) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** `/api/projects/:project/issues/:iid`: a `:name` segment takes one path segment. */
  path: string;
  handle: Handler;
}
