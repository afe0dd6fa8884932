import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { stateLabel, when } from '../views/format.js';
import { page, type Html } from '../views/layout.js';
import { dataTable } from '../views/table.js';
import type { ConsoleDeps } from './deps.js';
import { pageSize, pager } from './paging.js';

/** Queued, sent and dead outgoing mail with reasons; absent (and said so) where there is no outbox. */
export function outboxPage(c: Context<AppEnv>, deps: ConsoleDeps): Html {
  const outbox = deps.sources.outbox;
  if (!outbox) {
    return page(
      c,
      'Outbox',
      html`<h1>Outbox</h1>
        <p class="muted">No outbox in this Postroom: outgoing mail is sent at once and only logged.</p>`,
    );
  }
  const state = c.req.query('state') || undefined;
  const rows = outbox.list({ state, before: Number(c.req.query('before')) || undefined, limit: pageSize + 1 });
  const shown = rows.slice(0, pageSize);
  const counts = outbox.countByState();
  return page(
    c,
    'Outbox',
    html`<h1>Outbox</h1>
      <p>
        <a href="/outbox">all</a>
        ${Object.entries(counts).map(([s, n]) => html` · <a href="/outbox?state=${s}">${s} (${n})</a>`)}
      </p>
      ${
        shown.length === 0
          ? html`<p class="muted">No outgoing mail.</p>`
          : dataTable(
              ['#', 'Created', 'Kind', 'To', 'Subject', 'State', 'Caused by'],
              shown.map(
                (mail) =>
                  html`<tr>
                    <td>${mail.id}</td>
                    <td>${when(mail.createdAt)}</td>
                    <td>${mail.kind}</td>
                    <td>${mail.to.join(', ')}</td>
                    <td>${mail.subject}</td>
                    <td>
                      ${stateLabel(mail.state)} after ${mail.attempts} attempts
                      ${mail.lastError ? html`<br /><span class="muted">${mail.lastError}</span>` : ''}
                    </td>
                    <td>
                      ${mail.causedBy ? html`<a href="/messages/${mail.causedBy}">message ${mail.causedBy}</a>` : ''}
                    </td>
                  </tr>`,
              ),
            )
      }
      ${pager(c, rows.length > pageSize ? shown[shown.length - 1].id : undefined)}`,
  );
}
