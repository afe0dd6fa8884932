import { html } from 'hono/html';
import { stateLabel, when } from '../views/format.js';
import type { Html } from '../views/layout.js';
import { dataTable } from '../views/table.js';
import type { MessageSummary } from './messageLog.js';

/** The list every message page shares; `select` adds a checkbox per row (for replaying many). */
export function messageRows(rows: MessageSummary[], select = false): Html {
  if (rows.length === 0) return html`<p class="muted">No messages.</p>`;
  const headings = ['#', 'Received', 'From', 'To', 'Subject', 'State'];
  return dataTable(
    select ? ['Replay', ...headings] : headings,
    rows.map(
      (row) =>
        html`<tr>
          ${
            select
              ? html`<td>
                  <input type="checkbox" name="id" value="${row.id}" aria-label="replay message ${row.id}" />
                </td>`
              : ''
          }
          <td><a href="/messages/${row.id}">${row.id}</a></td>
          <td>${when(row.receivedAt)}</td>
          <td>${row.mailFrom || '<>'}</td>
          <td>${row.recipients.join(', ')}</td>
          <td><a href="/messages/${row.id}">${row.subject ?? '(no subject)'}</a></td>
          <td>
            ${stateLabel(row.state)}${row.lastError ? html`<br /><span class="muted">${row.lastError}</span>` : ''}
          </td>
        </tr>`,
    ),
  );
}
