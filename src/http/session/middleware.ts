import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { sameSecret } from '../auth.js';
import type { AppEnv } from '../env.js';
import { refusalPage } from '../views/layout.js';
import type { Sessions } from './sessions.js';

export const SESSION_COOKIE = 'postroom_session';
// Forms shown before sign-in carry this cookie's value (double submit); after, the session's token.
const FORM_COOKIE = 'postroom_form';

/** Secure whenever the browser reached us over TLS: directly, or through the https base_url's proxy. */
export function cookieOptions(c: Context, httpsBaseUrl: boolean, maxAgeSeconds?: number) {
  return {
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: httpsBaseUrl || new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: maxAgeSeconds,
  };
}

/** Finds the session behind the cookie and the CSRF token the page's forms must carry. */
export function sessionMiddleware(sessions: Sessions, httpsBaseUrl: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = sessions.find(getCookie(c, SESSION_COOKIE));
    c.set('session', session);
    let csrf = session?.csrf ?? getCookie(c, FORM_COOKIE);
    if (!csrf) {
      csrf = randomBytes(24).toString('base64url');
      // Strict: a form cookie has no business on a request another site started.
      setCookie(c, FORM_COOKIE, csrf, { ...cookieOptions(c, httpsBaseUrl), sameSite: 'Strict' });
    }
    c.set('csrf', csrf);
    await next();
  };
}

/** Every POST through here must carry the page's CSRF token in `_csrf`. */
export const requireCsrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const form = await c.req.parseBody({ all: true });
  const presented = typeof form._csrf === 'string' ? form._csrf : undefined;
  if (!sameSecret(presented, c.get('csrf'))) {
    return c.html(
      refusalPage(
        c,
        'Form expired',
        'This form did not come from this page, or the session behind it has ended. Go back, reload the page and try again.',
      ),
      403,
    );
  }
  return next();
};

export const signInPath = (next: string) => `/sign-in?next=${encodeURIComponent(next)}`;

/** The console is for operators: anyone else is sent to sign in and brought back. */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.get('session');
  if (session?.operator) return next();
  if (session)
    return c.html(refusalPage(c, 'Not an operator', 'This page is for the operators of this Postroom.'), 403);
  return c.redirect(signInPath(c.req.path + new URL(c.req.url).search), 303);
};
