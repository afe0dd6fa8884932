import type { Context } from 'hono';
import { html } from 'hono/html';
import { recentRefusals, type RcptRefusal } from '../../spool/index.js';
import type { AppEnv } from '../env.js';
import { when } from '../views/format.js';
import { page, type Html } from '../views/layout.js';
import { dataTable } from '../views/table.js';
import type { ConsoleDeps } from './deps.js';
import { pageSize, pager } from './paging.js';

export function refusalRows(rows: RcptRefusal[]): Html {
  if (rows.length === 0) return html`<p class="muted">No recipient refused.</p>`;
  return dataTable(
    ['When', 'Recipient', 'Reply', 'From', 'Client'],
    rows.map(
      (r) =>
        html`<tr>
          <td>${when(r.at)}</td>
          <td>${r.recipient}</td>
          <td>${r.code} ${r.reason}</td>
          <td>${r.mailFrom || '<>'}</td>
          <td>
            ${r.clientAddress ?? ''} ${r.helo ? html`<span class="muted">(${r.helo})</span>` : ''} <br /><span
              class="muted"
              >session ${r.sessionId}</span
            >
          </td>
        </tr>`,
    ),
  );
}

/** Recipients refused at RCPT TO: no message was stored for them, so this is all there is. */
export function refusalsPage(c: Context<AppEnv>, deps: ConsoleDeps): Html {
  const before = Number(c.req.query('before')) || undefined;
  const rows = recentRefusals(deps.sources.spool.db, pageSize + 1, before);
  const shown = rows.slice(0, pageSize);
  return page(
    c,
    'RCPT refusals',
    html`<h1>Recipients refused at RCPT TO</h1>
      <p class="muted">The newest first; older ones are dropped as the table fills.</p>
      ${refusalRows(shown)} ${pager(c, rows.length > pageSize ? shown[shown.length - 1].id : undefined)}`,
  );
}
