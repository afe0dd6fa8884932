import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { bodyLimit } from 'hono/body-limit';
import { TrieRouter } from 'hono/router/trie-router';
import { isAuthorised } from '../auth.js';
import { Fields } from '../fields.js';
import { HttpError, replyResponse } from '../reply.js';
import type { HttpDeps, Route } from '../types.js';
import { issueRoutes } from './issues.js';
import { memberRoutes } from './members.js';
import { mergeRequestRoutes } from './mergeRequests.js';
import { messageRoutes } from './messages.js';
import { noteRoutes } from './notes.js';
import { projectRoutes } from './projects.js';
import { serviceDeskRoutes } from './serviceDesk.js';
import { userRoutes } from './users.js';

// The API takes small JSON documents; anything bigger is a mistake or an attack.
const MAX_BODY_BYTES = 1024 * 1024;

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

const METHODS = [...new Set(API_ROUTES.map((route) => route.method))];

export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * The token-protected JSON API under /api. The token is checked before routing, so an
 * unauthenticated caller cannot tell which API paths exist.
 */
export function mountApi(app: Hono<AppEnv>, deps: HttpDeps, token: string | undefined): void {
  app.use('*', async (c, next) => {
    if (!isApiPath(c.req.path)) return next();
    if (!isAuthorised(c.req.raw.headers, token)) {
      return c.json({ message: '401 Unauthorized' }, 401, { 'WWW-Authenticate': 'Bearer realm="postroom"' });
    }
    return next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of an oversized body is not worth reading; closing is cheaper.
      onError: (c) =>
        c.json({ message: `413 Payload Too Large (at most ${MAX_BODY_BYTES} bytes)` }, 413, { Connection: 'close' }),
    }),
  );
  for (const route of API_ROUTES) {
    app.on(route.method, route.path, async (c) => {
      const reply = await route.handle({
        params: c.req.param(),
        query: new URL(c.req.url).searchParams,
        body: async () => Fields.parse(await c.req.text()),
        deps,
      });
      return replyResponse(reply);
    });
  }
}

const known = new TrieRouter<true>();
for (const route of API_ROUTES) known.add(route.method, route.path, true);

/** 405 with Allow for a known path asked with the wrong method, else 404; both as JSON. */
export function apiNotFound(path: string): HttpError {
  const allowed = METHODS.filter((method) => known.match(method, path)[0].length > 0);
  if (allowed.length === 0) return new HttpError(404, '404 Not Found');
  return new HttpError(405, '405 Method Not Allowed', undefined, { Allow: allowed.join(', ') });
}
