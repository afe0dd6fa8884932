import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { AppEnv } from '../env.js';
import { STYLE } from './style.js';

/** What a template returns: hono's escaped HTML (every interpolated string is escaped). */
export type Html = ReturnType<typeof html>;

/** The hidden field every state-changing form carries. */
export const csrfField = (c: Context<AppEnv>): Html =>
  html`<input type="hidden" name="_csrf" value="${c.get('csrf')}" />`;

function navigation(c: Context<AppEnv>): Html {
  const session = c.get('session');
  const operatorLinks = session?.operator
    ? html`<a href="/">Dashboard</a><a href="/messages">Messages</a><a href="/dead">Dead letters</a
        ><a href="/outbox">Outbox</a><a href="/refusals">Refusals</a>`
    : '';
  const account = session
    ? html`<form class="inline" method="post" action="/sign-out">
        ${csrfField(c)}<span class="muted">${session.name}</span> <button type="submit">Sign out</button>
      </form>`
    : html`<a href="/sign-in">Sign in</a>`;
  return html`<nav>${operatorLinks}<a href="/projects">Projects</a>${account}</nav>`;
}

export function page(c: Context<AppEnv>, title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Postroom</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <header><a class="brand" href="/">Postroom</a>${navigation(c)}</header>
        <main>${body}</main>
      </body>
    </html>`;
}

/** A page that only explains why not (403, 404, an expired form). */
export function refusalPage(c: Context<AppEnv>, title: string, explanation: string): Html {
  return page(
    c,
    title,
    html`<h1>${title}</h1>
      <p>${explanation}</p>`,
  );
}
