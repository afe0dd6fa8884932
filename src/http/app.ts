import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { HttpConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { AddressTemplates } from './addresses.js';
import { apiNotFound, isApiPath, mountApi } from './api/mount.js';
import type { ConsoleDeps } from './console/deps.js';
import { MessageLog } from './console/messageLog.js';
import { mountConsole } from './console/routes.js';
import type { AppEnv } from './env.js';
import { assessHealth, type HealthInput } from './health.js';
import { mountTrackerPages } from './pages/routes.js';
import { errorReply, HttpError, replyResponse } from './reply.js';
import { requireCsrf, sessionMiddleware } from './session/middleware.js';
import { mountSignIn, type SignInMailer } from './session/routes.js';
import { Sessions } from './session/sessions.js';
import { mountStatus } from './status.js';
import type { HttpSources } from './types.js';
import { refusalPage } from './views/layout.js';

export interface AppOptions extends HttpSources {
  config: HttpConfig;
  templates: AddressTemplates;
  logger: Logger;
  /** Milliseconds since the epoch; tests move it to age pollers and sessions. */
  now?: () => number;
  /** Where links in mail point (outgoing.base_url); https there means cookies are Secure. */
  baseUrl?: string;
  /** Mails a tracker user a one-time sign-in link; absent when outgoing mail is off. */
  mailSignInLink?: SignInMailer;
}

const STATUS_PATHS = new Set(['/health', '/liveness', '/readiness', '/metrics']);
// Forms hold a few fields; anything bigger is not one of ours.
const MAX_FORM_BYTES = 64 * 1024;
const ONE_CLICK_UNSUBSCRIBE = /^\/-\/sent_notifications\/[^/]+\/unsubscribe$/;

/** Runs `middleware` on the pages only: not on the API, not on the probes. */
const onPages =
  (middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    isApiPath(c.req.path) || STATUS_PATHS.has(c.req.path) ? next() : middleware(c, next);

/** Every route on one Hono app; failures become a JSON answer under /api and a page elsewhere. */
export function buildApp(options: AppOptions): Hono<AppEnv> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const baseUrl = options.baseUrl ?? `http://${config.host}:${config.port}`;
  const httpsBaseUrl = baseUrl.startsWith('https:');
  const app = new Hono<AppEnv>();
  const healthInput = (): HealthInput => ({
    spool: options.spool,
    health: options.health,
    routing: options.routing,
    outbox: options.outbox,
    tls: options.tls,
    unhealthyAfterMs: config.unhealthyAfterMs,
    maxQueueAgeMs: config.maxQueueAgeMs,
    startedAt,
    now: now(),
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'http request',
    );
  });
  mountStatus(app, options, healthInput);
  mountApi(app, options, config.token);

  const sessions = new Sessions(config.sessionTtlMs, now);
  app.use(
    '*',
    onPages(
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'none'"],
          styleSrc: ["'unsafe-inline'"],
          imgSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      }),
    ),
  );
  app.use('*', onPages(bodyLimit({ maxSize: MAX_FORM_BYTES })));
  app.use('*', onPages(sessionMiddleware(sessions, httpsBaseUrl)));
  app.use(
    '*',
    onPages((c, next) => (ONE_CLICK_UNSUBSCRIBE.test(c.req.path) ? next() : requireCsrf(c, next))),
  );

  mountSignIn(app, {
    config,
    sessions,
    tracker: options.tracker,
    mailLink: options.mailSignInLink,
    baseUrl,
    httpsBaseUrl,
    now,
  });
  const consoleDeps: ConsoleDeps = {
    sources: options,
    log: new MessageLog(options.spool),
    health: () => assessHealth(healthInput()),
    now,
  };
  mountConsole(app, consoleDeps);
  if (options.tracker) mountTrackerPages(app, options.tracker);

  app.notFound((c) => {
    if (isApiPath(c.req.path)) return replyResponse(errorReply(apiNotFound(c.req.path)));
    return c.html(refusalPage(c, 'Not found', 'There is no page here.'), 404);
  });
  app.onError((error, c) => {
    if (error instanceof HttpError) return replyResponse(errorReply(error));
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'http handler failed');
    return replyResponse({ status: 500, body: { message: '500 Internal Server Error' } });
  });
  return app;
}
