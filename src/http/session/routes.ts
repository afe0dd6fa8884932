import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { HttpConfig } from '../../config/index.js';
import type { Tracker } from '../../tracker/index.js';
import { sameSecret } from '../auth.js';
import type { AppEnv } from '../env.js';
import { csrfField, page, refusalPage, type Html } from '../views/layout.js';
import { AttemptLimit } from './attempts.js';
import { cookieOptions, SESSION_COOKIE } from './middleware.js';
import { LINK_TTL_MS, type SessionHolder, type Sessions } from './sessions.js';

/** Sends a one-time link to a verified address (through the outgoing part); never throws. */
export type SignInMailer = (to: { address: string; name: string }, link: string, validMinutes: number) => Promise<void>;

export interface SignInDeps {
  config: HttpConfig;
  sessions: Sessions;
  tracker?: Tracker;
  /** Absent when outgoing mail is off: then only the token signs in. */
  mailLink?: SignInMailer;
  /** Where mailed links point (outgoing.base_url). */
  baseUrl: string;
  httpsBaseUrl: boolean;
  now: () => number;
}

/** Only a path on this site: `//evil.example` and absolute URLs fall back to the dashboard. */
function localPath(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/';
}

function signInForms(c: Context<AppEnv>, deps: SignInDeps, next: string, notice?: Html): Html {
  const byMail =
    deps.mailLink && deps.tracker
      ? html`<h2>Tracker users</h2>
          <form class="signin" method="post" action="/sign-in/mail">
            ${csrfField(c)}<input type="hidden" name="next" value="${next}" />
            <label>Your verified email address<input type="email" name="email" required autocomplete="email" /></label>
            <button type="submit">Mail me a sign-in link</button>
          </form>`
      : '';
  return page(
    c,
    'Sign in',
    html`<h1>Sign in</h1>
      ${notice ?? ''}
      <h2>Operators</h2>
      <form class="signin" method="post" action="/sign-in">
        ${csrfField(c)}<input type="hidden" name="next" value="${next}" />
        <label
          >Operator token (http.token)<input type="password" name="token" required autocomplete="current-password"
        /></label>
        <button class="primary" type="submit">Sign in</button>
      </form>
      ${byMail}`,
  );
}

// Wrong operator tokens, and requests for mailed links, per client address; links per mail address.
const WINDOW_MS = 15 * 60_000;
const WRONG_TOKENS_PER_CLIENT = 10;
const LINK_REQUESTS_PER_CLIENT = 10;
const LINKS_PER_ADDRESS = 5;

/** The peer's address (behind a reverse proxy, the proxy's: then the limits are the proxy's together). */
function clientOf(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function tooMany(c: Context<AppEnv>, deps: SignInDeps, next: string, waitMs: number) {
  const minutes = Math.ceil(waitMs / 60_000);
  c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
  const notice = html`<p class="bad">
    Too many attempts from your address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.
  </p>`;
  return c.html(signInForms(c, deps, next, notice), 429);
}

export function mountSignIn(app: Hono<AppEnv>, deps: SignInDeps): void {
  const { sessions, config, now } = deps;
  const wrongTokens = new AttemptLimit(WRONG_TOKENS_PER_CLIENT, WINDOW_MS, now);
  const linkRequests = new AttemptLimit(LINK_REQUESTS_PER_CLIENT, WINDOW_MS, now);
  const linksTo = new AttemptLimit(LINKS_PER_ADDRESS, WINDOW_MS, now);
  const startSession = (c: Context<AppEnv>, holder: SessionHolder, next: string) => {
    const old = c.get('session');
    if (old) sessions.end(old.id);
    const session = sessions.create(holder);
    setCookie(
      c,
      SESSION_COOKIE,
      session.id,
      cookieOptions(c, deps.httpsBaseUrl, Math.floor(config.sessionTtlMs / 1000)),
    );
    return c.redirect(next, 303);
  };

  app.get('/sign-in', (c) => c.html(signInForms(c, deps, localPath(c.req.query('next')))));

  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(form.next);
    const client = clientOf(c);
    // Refused before the token is looked at: a guess past the limit learns nothing, right or wrong.
    const wait = wrongTokens.waitFor(client);
    if (wait > 0) return tooMany(c, deps, next, wait);
    if (typeof form.token !== 'string' || !sameSecret(form.token, config.token)) {
      wrongTokens.record(client);
      return c.html(signInForms(c, deps, next, html`<p class="bad">That is not the operator token.</p>`), 401);
    }
    return startSession(c, { operator: true, name: 'operator' }, next);
  });

  app.post('/sign-in/mail', async (c) => {
    const form = await c.req.parseBody();
    const next = localPath(form.next);
    const client = clientOf(c);
    const wait = linkRequests.waitFor(client);
    if (wait > 0) return tooMany(c, deps, next, wait);
    linkRequests.record(client);
    const address = typeof form.email === 'string' ? form.email.trim() : '';
    const user = address && deps.tracker ? deps.tracker.userByVerifiedEmail(address) : null;
    // Past its limit an address gets no more mail, and the page says the same as ever.
    const mailbox = address.toLowerCase();
    if (user && !user.blocked && deps.mailLink && linksTo.waitFor(mailbox) === 0) {
      linksTo.record(mailbox);
      const token = sessions.issueLink(user.id);
      const link = `${deps.baseUrl}/sign-in/link/${token}?next=${encodeURIComponent(next)}`;
      await deps.mailLink({ address, name: user.name }, link, LINK_TTL_MS / 60_000);
    }
    // The same answer whether or not the address is known: the page tells no one who has an account.
    return c.html(
      page(
        c,
        'Check your mail',
        html`<h1>Check your mail</h1>
          <p>If ${address} is the verified address of a user here, a sign-in link is on its way. It works once.</p>`,
      ),
    );
  });

  // A GET only shows a button: mail scanners that open links must not use them up.
  app.get('/sign-in/link/:token', (c) => {
    const token = c.req.param('token');
    if (!sessions.linkValid(token)) return c.html(expired(c), 410);
    return c.html(
      page(
        c,
        'Sign in',
        html`<h1>Sign in</h1>
          <form method="post" action="/sign-in/link/${token}">
            ${csrfField(c)}<input type="hidden" name="next" value="${localPath(c.req.query('next'))}" />
            <button class="primary" type="submit">Sign in</button>
          </form>`,
      ),
    );
  });

  app.post('/sign-in/link/:token', async (c) => {
    const form = await c.req.parseBody();
    const userId = sessions.redeemLink(c.req.param('token'));
    const user = userId === undefined ? null : (deps.tracker?.userById(userId) ?? null);
    if (!user || user.blocked) return c.html(expired(c), 410);
    const names = [user.username.toLowerCase(), user.email.toLowerCase()];
    const operator = names.some((name) => config.operators.includes(name));
    return startSession(c, { operator, userId: user.id, name: user.name }, localPath(form.next));
  });

  app.post('/sign-out', (c) => {
    const session = c.get('session');
    if (session) sessions.end(session.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/sign-in', 303);
  });
}

const expired = (c: Context<AppEnv>) =>
  refusalPage(
    c,
    'Link expired',
    'This sign-in link was used already or is too old. Ask for a new one on the sign-in page.',
  );
