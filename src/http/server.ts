import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { issueRoutes } from './api/issues.js';
import { memberRoutes } from './api/members.js';
import { mergeRequestRoutes } from './api/mergeRequests.js';
import { messageRoutes } from './api/messages.js';
import { noteRoutes } from './api/notes.js';
import { projectRoutes } from './api/projects.js';
import { serviceDeskRoutes } from './api/serviceDesk.js';
import { userRoutes } from './api/users.js';
import { isAuthorised } from './auth.js';
import { Fields } from './fields.js';
import { HttpError, json, type Reply } from './reply.js';
import { matchRoute } from './router.js';
import { statusRoutes } from './status.js';
import type { HttpDeps, Route } from './types.js';

// The API takes small JSON documents; anything bigger is a mistake or an attack.
const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;
// Requests in flight get this long to finish on close; then their connections are cut.
const CLOSE_GRACE_MS = 5_000;

const API_ROUTES: readonly Route[] = [
  ...userRoutes,
  ...projectRoutes,
  ...memberRoutes,
  ...serviceDeskRoutes,
  ...issueRoutes,
  ...mergeRequestRoutes,
  ...noteRoutes,
  ...messageRoutes,
];

export interface HttpOptions extends HttpDeps {
  config: HttpConfig;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to age pollers. */
  now?: () => number;
}

export interface RunningHttp {
  address: AddressInfo;
  /** Stops listening, lets requests in flight finish (briefly), then resolves. */
  close(): Promise<void>;
}

/** Health, metrics and the token-protected tracker API on one node:http server. */
export async function startHttp(options: HttpOptions): Promise<RunningHttp> {
  const { config, logger, tracker, spool, health, templates } = options;
  const now = options.now ?? Date.now;
  const deps: HttpDeps = { tracker, spool, health, templates };
  const openRoutes = statusRoutes({ deps, unhealthyAfterMs: config.unhealthyAfterMs, startedAt: now(), now });

  const dispatch = async (request: IncomingMessage, url: URL): Promise<Reply> => {
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    // Before routing, so an unauthenticated caller cannot tell which API paths exist.
    if (isApi && !isAuthorised(request.headers, config.token)) {
      return {
        status: 401,
        body: { message: '401 Unauthorized' },
        headers: { 'WWW-Authenticate': 'Bearer realm="postroom"' },
      };
    }
    const match = matchRoute(isApi ? API_ROUTES : openRoutes, request.method ?? 'GET', url.pathname);
    if (!match.found) {
      if (match.allowed.length === 0) return json({ message: '404 Not Found' }, 404);
      return { status: 405, body: { message: '405 Method Not Allowed' }, headers: { Allow: match.allowed.join(', ') } };
    }
    return match.route.handle({ params: match.params, query: url.searchParams, body: () => readBody(request), deps });
  };

  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://postroom.invalid');
    let reply: Reply;
    try {
      reply = await dispatch(request, url);
    } catch (error) {
      reply = failure(error, logger, request.method, url.pathname);
    }
    write(response, reply);
    logger.debug(
      { method: request.method, path: url.pathname, status: reply.status, ms: Math.round(performance.now() - started) },
      'http request',
    );
  };

  const server = createServer((request, response) => {
    respond(request, response).catch((error: unknown) => logger.error({ err: error }, 'http response failed'));
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'http server error'));
  const address = server.address() as AddressInfo;
  logger.info({ http: `${address.address}:${address.port}`, api: config.token !== undefined }, 'http listening');

  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Fields> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Fields.parse(Buffer.concat(chunks, size).toString('utf8'));
}

const tooLarge = () => new HttpError(413, `413 Payload Too Large (at most ${MAX_BODY_BYTES} bytes)`);

function failure(error: unknown, logger: Logger, method: string | undefined, path: string): Reply {
  if (error instanceof HttpError) {
    const reply: Reply = { status: error.status, body: { message: error.message, ...error.details } };
    // The rest of an oversized body is not worth reading; closing is cheaper.
    if (error.status === 413) reply.headers = { Connection: 'close' };
    return reply;
  }
  logger.error({ err: error, method, path }, 'http handler failed');
  return json({ message: '500 Internal Server Error' }, 500);
}

function write(response: ServerResponse, reply: Reply): void {
  const payload = reply.contentType ? String(reply.body) : `${JSON.stringify(reply.body)}\n`;
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    ...reply.headers,
  });
  response.end(payload);
}
