import type { Logger } from '../log/logger.js';
import { sleep } from './backoff.js';
import type { GraphOptions } from './graphOptions.js';

export interface GraphTiming {
  /** Longest wait for one HTTP answer. */
  requestTimeoutMs: number;
  /** Tries of one request while the service says 429/503/509, before the poll gives up. */
  throttledAttempts: number;
  /** mail_room's cap on a throttling back-off. */
  maxThrottleWaitMs: number;
}

export const DEFAULT_GRAPH_TIMING: GraphTiming = {
  requestTimeoutMs: 60_000,
  throttledAttempts: 5,
  maxThrottleWaitMs: 600_000,
};

// 509 is what mail_room also treats as "slow down"; Graph documents 429 and 503 with Retry-After.
const THROTTLED = new Set([429, 503, 509]);

/** An HTTP answer we could not use; `status` 0 when there was no answer at all. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** An answer read to its end while the deadline still applied, so no body can stall us later. */
export interface GraphResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * The client-credentials token and the requests that carry it. The token is reused until shortly
 * before it expires; a 401 drops it once (it may have been revoked early).
 */
export class GraphClient {
  private token?: CachedToken;
  /** Counted so tests and metrics can see throttling. */
  throttled = 0;

  constructor(
    private readonly options: GraphOptions,
    private readonly timing: GraphTiming,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {}

  async request(method: string, url: string, body?: unknown): Promise<GraphResponse> {
    this.checkOrigin(url);
    for (let attempt = 0, reauthorized = false; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.send(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401 && !reauthorized) {
        this.token = undefined;
        reauthorized = true;
        continue;
      }
      if (THROTTLED.has(response.status) && attempt + 1 < this.timing.throttledAttempts) {
        const waitMs = this.throttleWait(response.headers.get('retry-after'), attempt);
        this.throttled++;
        this.log.warn(
          { status: response.status, waitMs, method, url: redact(url) },
          'Microsoft Graph is throttling; waiting',
        );
        await sleep(waitMs, this.signal);
        if (this.signal.aborted) throw new GraphError(0, 'stopped');
        continue;
      }
      if (!ok(response))
        throw new GraphError(response.status, `${method} ${redact(url)}: ${response.status} ${snippet(response)}`);
      return response;
    }
  }

  private async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    const { azureAdEndpoint, tenantId, clientId, clientSecret, graphEndpoint } = this.options;
    const response = await this.send(`${azureAdEndpoint}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: `${graphEndpoint}/.default`,
      }).toString(),
    });
    if (!ok(response)) throw new GraphError(response.status, `token request: ${response.status} ${snippet(response)}`);
    const answer = parseJson(response) as { access_token?: unknown; expires_in?: unknown };
    const lifetimeSeconds = Number(answer.expires_in);
    if (typeof answer.access_token !== 'string' || !(lifetimeSeconds > 0))
      throw new GraphError(response.status, 'token response without access_token/expires_in');
    // Renew a little early so a token never expires between our check and Microsoft's.
    const marginSeconds = Math.min(60, lifetimeSeconds / 10);
    this.token = { value: answer.access_token, expiresAt: Date.now() + (lifetimeSeconds - marginSeconds) * 1000 };
    this.log.debug({ lifetimeSeconds }, 'Microsoft Graph token obtained');
    return this.token.value;
  }

  /** fetch, ended by stop() or the request timeout (AbortSignal.any needs Node 20.3, engines say 20.0). */
  private async send(url: string, init: RequestInit): Promise<GraphResponse> {
    const abort = new AbortController();
    const onStop = () => abort.abort(new Error('stopped'));
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${this.timing.requestTimeoutMs} ms`)),
      this.timing.requestTimeoutMs,
    );
    this.signal.addEventListener('abort', onStop, { once: true });
    try {
      if (this.signal.aborted) onStop();
      const response = await fetch(url, { ...init, signal: abort.signal });
      return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      const reason = abort.signal.aborted ? abort.signal.reason : error;
      throw new GraphError(
        0,
        `${init.method} ${redact(url)}: ${reason instanceof Error ? reason.message : String(reason)}`,
      );
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onStop);
    }
  }

  /** Retry-After in seconds or as an HTTP date; without one, mail_room's 2^n seconds. */
  private throttleWait(retryAfter: string | null, attempt: number): number {
    let ms = 2 ** attempt * 1000;
    if (retryAfter && /^\d+$/.test(retryAfter.trim())) ms = Number(retryAfter) * 1000;
    else if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) ms = Date.parse(retryAfter) - Date.now();
    return Math.min(this.timing.maxThrottleWaitMs, Math.max(0, ms));
  }

  /** Our token goes to the Graph endpoint only, whatever a nextLink says. */
  private checkOrigin(url: string): void {
    if (new URL(url).origin !== new URL(this.options.graphEndpoint).origin) {
      throw new GraphError(0, `refusing to send the token to ${new URL(url).origin}`);
    }
  }
}

function ok(response: GraphResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function snippet(response: GraphResponse): string {
  return response.body.subarray(0, 300).toString('utf8');
}

/** The body as JSON; a body that is not JSON is an answer we cannot use. */
export function parseJson(response: GraphResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new GraphError(response.status, `not JSON: ${snippet(response)}`);
  }
}

/** Query strings can be long and carry skip tokens; the path says enough. */
function redact(url: string): string {
  return url.split('?')[0];
}
