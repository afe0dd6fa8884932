import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Html } from '../views/layout.js';

export const pageSize = 50;

/** "Older" keeps every filter of the current URL and moves `before` on; "Newest" drops it. */
export function pager(c: Context, nextBefore: number | undefined): Html {
  const url = new URL(c.req.url);
  const first = new URLSearchParams(url.search);
  first.delete('before');
  const older = new URLSearchParams(url.search);
  if (nextBefore !== undefined) older.set('before', String(nextBefore));
  return html`<div class="pager">
    ${url.searchParams.has('before') ? html`<a href="${url.pathname}?${first.toString()}">Newest</a>` : ''}
    ${nextBefore !== undefined ? html`<a href="${url.pathname}?${older.toString()}">Older</a>` : ''}
  </div>`;
}
