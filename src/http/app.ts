import { Hono } from 'hono';
import type { HttpConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { AddressTemplates } from './addresses.js';
import { apiNotFound, isApiPath, mountApi } from './api/mount.js';
import { errorReply, HttpError, replyResponse } from './reply.js';
import { mountStatus } from './status.js';
import type { HttpSources } from './types.js';

export interface AppOptions extends HttpSources {
  config: HttpConfig;
  templates: AddressTemplates;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to age pollers and sessions. */
  now?: () => number;
}

/** Every route on one Hono app; failures become a JSON answer under /api and a page elsewhere. */
export function buildApp(options: AppOptions): Hono {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'http request',
    );
  });
  mountStatus(app, options, () => ({
    spool: options.spool,
    health: options.health,
    routing: options.routing,
    outbox: options.outbox,
    unhealthyAfterMs: config.unhealthyAfterMs,
    maxQueueAgeMs: config.maxQueueAgeMs,
    startedAt,
    now: now(),
  }));
  mountApi(app, { ...options, templates: options.templates }, config.token);

  app.notFound((c) => {
    if (isApiPath(c.req.path)) return replyResponse(errorReply(apiNotFound(c.req.path)));
    return c.text('404 Not Found\n', 404);
  });
  app.onError((error, c) => {
    if (error instanceof HttpError) return replyResponse(errorReply(error));
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'http handler failed');
    return replyResponse({ status: 500, body: { message: '500 Internal Server Error' } });
  });
  return app;
}
