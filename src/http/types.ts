import type { PollerHealth } from '../ingest/index.js';
import type { Spool } from '../spool/index.js';
import type { Tracker } from '../tracker/index.js';
import type { AddressTemplates } from './addresses.js';
import type { Fields } from './fields.js';
import type { Reply } from './reply.js';

/** What the server reads of the spool: counts and counters for health and metrics, one message's trace. */
export type HttpSpool = Pick<Spool, 'countByState' | 'stats' | 'trace'>;

/** Everything a handler may use, handed in by whoever starts the server. */
export interface HttpDeps {
  /** Absent when the sink is GitLab: the tracker's API then answers 404. */
  tracker?: Tracker;
  spool: HttpSpool;
  /** The pollers' liveness (RunningPostroom.ingestHealth). */
  health: () => PollerHealth[];
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
