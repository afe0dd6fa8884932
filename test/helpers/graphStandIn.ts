import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Microsoft's identity platform and Graph mail API, on loopback: the
 * client-credentials token endpoint, the folder's message list with `$filter` and
 * `@odata.nextLink` paging, `$value`, PATCH and DELETE, following Microsoft's documented shapes.
 * It is strict where the real service is (unknown or expired token → 401) and can be told to
 * throttle (429/503 with Retry-After) or fail.
 */
export interface StandInMessage {
  id: string;
  raw: Buffer;
  isRead: boolean;
  deleted: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  token?: string;
  status: number;
  at: number;
}

type Matcher = (method: string, path: string) => boolean;

export interface GraphStandIn {
  url: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  user: string;
  folder: string;
  pageSize: number;
  tokenLifetimeSeconds: number;
  messages: StandInMessage[];
  tokensIssued: string[];
  requests: RecordedRequest[];
  add(raw: Buffer, isRead?: boolean): StandInMessage;
  /** The next `times` matching requests get `status` (and Retry-After when given). */
  failNext(match: Matcher, times: number, status: number, retryAfterSeconds?: number): void;
  /** Called before a PATCH is applied, to look at the world as it is at that moment. */
  onPatch?: (message: StandInMessage) => void;
  close(): Promise<void>;
}

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const validTokens = new Map<string, number>();
  const failures: { match: Matcher; times: number; status: number; retryAfter?: number }[] = [];
  let issued = 0;

  const standIn: GraphStandIn = {
    url: '',
    tenant: 'contoso-tenant',
    clientId: 'postroom-client',
    clientSecret: 'shh-secret',
    user: 'incoming@postroom.test',
    folder: 'inbox',
    pageSize: 2,
    tokenLifetimeSeconds: 3600,
    messages: [],
    tokensIssued: [],
    requests: [],
    add(raw, isRead = false) {
      const message = { id: `AAMk-${standIn.messages.length + 1}-x=`, raw, isRead, deleted: false };
      standIn.messages.push(message);
      return message;
    },
    failNext(match, times, status, retryAfterSeconds) {
      failures.push({ match, times, status, retryAfter: retryAfterSeconds });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const answer = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', standIn.url);
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      standIn.requests.push({ method, path: url.pathname, query: url.search, token, status, at: Date.now() });
      const text = payload === undefined ? '' : Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      response.writeHead(status, {
        ...(Buffer.isBuffer(payload) ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' }),
        ...headers,
      });
      response.end(text);
    };

    const failure = failures.find((f) => f.times > 0 && f.match(method, url.pathname));
    if (failure) {
      failure.times--;
      return send(
        failure.status,
        { error: { code: failure.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable' } },
        failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) },
      );
    }

    if (method === 'POST' && url.pathname === `/${standIn.tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(body.toString());
      const good =
        form.get('grant_type') === 'client_credentials' &&
        form.get('client_id') === standIn.clientId &&
        form.get('client_secret') === standIn.clientSecret &&
        form.get('scope') === `${standIn.url}/.default`;
      if (!good) return send(401, { error: 'invalid_client' });
      const value = `token-${++issued}`;
      validTokens.set(value, Date.now() + standIn.tokenLifetimeSeconds * 1000);
      standIn.tokensIssued.push(value);
      return send(200, {
        token_type: 'Bearer',
        expires_in: standIn.tokenLifetimeSeconds,
        ext_expires_in: standIn.tokenLifetimeSeconds,
        access_token: value,
      });
    }

    if (!token || !((validTokens.get(token) ?? 0) > Date.now())) {
      return send(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' },
      });
    }
    const userBase = `/v1.0/users/${standIn.user}`;
    const live = () => standIn.messages.filter((m) => !m.deleted);

    if (method === 'GET' && url.pathname === `${userBase}/mailFolders/${standIn.folder}/messages`) {
      if (url.searchParams.get('$filter') !== 'isRead eq false') return send(400, { error: { code: 'BadRequest' } });
      // Like the real service, every page is cut from the folder as it is now.
      const offset = Number(Buffer.from(url.searchParams.get('$skiptoken') ?? 'MA==', 'base64').toString());
      const unread = live().filter((m) => !m.isRead);
      const page = unread.slice(offset, offset + standIn.pageSize);
      const next = new URL(url);
      next.searchParams.set('$skiptoken', Buffer.from(String(offset + standIn.pageSize)).toString('base64'));
      return send(200, {
        '@odata.context': `${standIn.url}/v1.0/$metadata#users('${standIn.user}')/mailFolders('${standIn.folder}')/messages(id)`,
        value: page.map((m) => ({ '@odata.etag': 'W/"x"', id: m.id })),
        ...(offset + standIn.pageSize < unread.length ? { '@odata.nextLink': next.toString() } : {}),
      });
    }

    const item = new RegExp(`^${userBase}/messages/([^/]+)(/\\$value)?$`).exec(url.pathname);
    const message = item && live().find((m) => m.id === decodeURIComponent(item[1]));
    if (!item || !message) return send(404, { error: { code: 'ErrorItemNotFound' } });
    if (method === 'GET' && item[2]) return send(200, message.raw);
    if (method === 'PATCH' && !item[2]) {
      const patch = JSON.parse(body.toString()) as { isRead?: unknown };
      standIn.onPatch?.(message);
      if (typeof patch.isRead === 'boolean') message.isRead = patch.isRead;
      return send(200, { id: message.id, isRead: message.isRead });
    }
    if (method === 'DELETE' && !item[2]) {
      message.deleted = true;
      return send(204);
    }
    return send(405, { error: { code: 'ErrorInvalidRequest' } });
  };
  const server = http.createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The incoming_email lines that point a mailbox at this stand-in (indented for the section). */
export function graphMailboxYaml(graph: GraphStandIn): string {
  return `  user: "${graph.user}"
  mailbox: "${graph.folder}"
  inbox_method: microsoft_graph
  inbox_options:
    tenant_id: "${graph.tenant}"
    client_id: "${graph.clientId}"
    client_secret: "${graph.clientSecret}"
    poll_interval: 0.1
    azure_ad_endpoint: "${graph.url}"
    graph_endpoint: "${graph.url}"`;
}
