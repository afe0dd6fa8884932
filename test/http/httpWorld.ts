import { pino } from 'pino';
import { parseConfigText } from '../../src/config/index.js';
import { addressTemplates, startHttp, type HttpOptions, type RunningHttp } from '../../src/http/index.js';
import type { PollerHealth } from '../../src/ingest/index.js';
import { Spool } from '../../src/spool/index.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface HttpWorld {
  dir: string;
  /** `http://127.0.0.1:<port>` */
  base: string;
  tracker: Tracker;
  spool: Spool;
  http: RunningHttp;
  /** What the server's health function answers; tests replace it. */
  pollers: PollerHealth[];
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Answer>;
  cleanup(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (undefined for other bodies). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the shapes they expect; a wrong one fails the assertion
  json: any;
}

/** A real tracker and spool in a temp dir behind a real HTTP server on an ephemeral loopback port. */
export async function startHttpWorld(
  options: {
    now?: () => number;
    unhealthyAfter?: string;
    /** More lines for the http section, indented two spaces. */
    httpExtra?: string;
    sources?: Partial<
      Pick<HttpOptions, 'routing' | 'outbox' | 'smtpReplies' | 'tls' | 'wakeRouting' | 'baseUrl' | 'mailSignInLink'>
    >;
  } = {},
): Promise<HttpWorld> {
  const { dir, cleanup } = tempDir('postroom-http-');
  const config = parseConfigText(
    `${testConfigText(dir)}
http:
  enabled: true
  listen: 127.0.0.1:0
  token: ${TOKEN}
${options.unhealthyAfter ? `  unhealthy_after: ${options.unhealthyAfter}` : ''}
${options.httpExtra ?? ''}
`,
    'test.yml',
    {},
  );
  const tracker = openTracker(config.tracker.path);
  const spool = Spool.open(config.store.path);
  const world: HttpWorld = {
    dir,
    tracker,
    spool,
    pollers: [],
    http: undefined as unknown as RunningHttp,
    base: '',
    async call(method, urlPath, { body, token = TOKEN, headers = {} } = {}) {
      const response = await fetch(`http://127.0.0.1:${world.http.address.port}${urlPath}`, {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async cleanup() {
      await world.http.close();
      if (spool.db.open) await spool.close();
      tracker.close();
      cleanup();
    },
  };
  const http = await startHttp({
    config: config.http,
    tracker,
    spool,
    health: () => world.pollers,
    templates: addressTemplates(config),
    logger: pino({ level: 'silent' }),
    now: options.now,
    ...options.sources,
  });
  world.http = http;
  world.base = `http://127.0.0.1:${http.address.port}`;
  return world;
}
