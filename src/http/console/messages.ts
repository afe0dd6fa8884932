import type { Context } from 'hono';
import { html } from 'hono/html';
import type { SpoolState } from '../../spool/index.js';
import type { AppEnv } from '../env.js';
import { dayStart } from '../views/format.js';
import { csrfField, page, type Html } from '../views/layout.js';
import type { ConsoleDeps } from './deps.js';
import type { MessageFilter } from './messageLog.js';
import { messageRows } from './messageTable.js';
import { pageSize, pager } from './paging.js';

export const STATES: readonly SpoolState[] = ['queued', 'processing', 'retry', 'done', 'ignored', 'rejected', 'dead'];
const DAY_MS = 86_400_000;

function filterFrom(c: Context): MessageFilter {
  const q = (name: string) => c.req.query(name)?.trim() || undefined;
  const state = q('state');
  const until = dayStart(q('until'));
  return {
    states: state && (STATES as readonly string[]).includes(state) ? [state as SpoolState] : undefined,
    sender: q('sender'),
    recipient: q('recipient'),
    since: dayStart(q('since')),
    until: until === undefined ? undefined : until + DAY_MS,
    search: q('q'),
    before: Number(q('before')) || undefined,
    limit: pageSize,
  };
}

function filters(c: Context): Html {
  const value = (name: string) => c.req.query(name) ?? '';
  const state = value('state');
  return html`<form class="filters" method="get" action="/messages">
    <label
      >Message-ID or subject<input type="search" name="q" value="${value('q')}" placeholder="<id@host> or words"
    /></label>
    <label
      >State<select name="state">
        <option value="">any</option>
        ${STATES.map((s) => html`<option value="${s}" ${s === state ? 'selected' : ''}>${s}</option>`)}
      </select></label
    >
    <label>Sender<input name="sender" value="${value('sender')}" /></label>
    <label>Recipient<input name="recipient" value="${value('recipient')}" /></label>
    <label>From day<input type="date" name="since" value="${value('since')}" /></label>
    <label>To day<input type="date" name="until" value="${value('until')}" /></label>
    <button type="submit">Filter</button>
    <a href="/messages">Clear</a>
  </form>`;
}

export function messagesPage(c: Context<AppEnv>, deps: ConsoleDeps): Html {
  const result = deps.log.list(filterFrom(c));
  return page(
    c,
    'Messages',
    html`<h1>Messages</h1>
      ${filters(c)}
      ${
        result.scanLimit
          ? html`<p class="muted">
              The subject search looked at the newest ${result.scanLimit} messages that match the other filters; Older
              searches the ones before them.
            </p>`
          : ''
      }
      ${messageRows(result.rows)} ${pager(c, result.nextBefore)}`,
  );
}

/** Dead letters and rejected messages, with a checkbox each and one button to replay the chosen ones. */
export function deadPage(c: Context<AppEnv>, deps: ConsoleDeps): Html {
  const result = deps.log.list({ ...filterFrom(c), states: ['dead', 'rejected'] });
  return page(
    c,
    'Dead letters',
    html`<h1>Dead letters and rejected messages</h1>
      ${c.req.query('replayed') ? html`<p class="ok">${c.req.query('replayed')} queued again.</p>` : ''}
      <p class="muted">Replaying queues a message again; its trace keeps every earlier attempt.</p>
      <form method="post" action="/replay">
        ${csrfField(c)} ${messageRows(result.rows, true)}
        ${result.rows.length ? html`<p><button class="primary" type="submit">Replay selected</button></p>` : ''}
      </form>
      ${pager(c, result.nextBefore)}`,
  );
}
