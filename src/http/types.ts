import type { PollerHealth } from '../ingest/index.js';
import type { Spool, WorkQueue } from '../spool/index.js';
import type { Tracker } from '../tracker/index.js';
import type { AddressTemplates } from './addresses.js';
import type { Fields } from './fields.js';
import type { Reply } from './reply.js';

/** What the server reads of the spool: counts and counters for health and metrics, one message's trace. */
export type HttpSpool = Pick<Spool, 'countByState' | 'stats' | 'get' | 'raw' | 'db'> & {
  queue: Pick<WorkQueue, 'events' | 'nextDueAt' | 'requeue'>;
};

/** The routing thread as its supervisor sees it. */
export interface RoutingHealth {
  running: boolean;
  /** Times the thread was started again after it stopped. */
  restarts: number;
  lastError?: string;
}

/** One outgoing mail as the outbox keeps it. */
export interface OutboxEntry {
  id: number;
  createdAt: number;
  kind: string;
  to: string[];
  subject: string;
  state: string;
  attempts: number;
  lastError?: string;
  /** The spool message whose routing caused it, when there is one. */
  causedBy?: number;
}

/** What the console reads of the outbox; absent until the outbox exists, and the pages say so. */
export interface OutboxReader {
  /** Outgoing mail by state (`queued`, `sent`, `dead`…), for health and metrics. */
  countByState(): Record<string, number>;
  list(filter: { state?: string; before?: number; limit: number }): OutboxEntry[];
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
