import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import type { OutboxEntry } from '../types.js';
import { stateLabel, when } from '../views/format.js';
import { page, type Html } from '../views/layout.js';
import { dataTable } from '../views/table.js';
import type { ConsoleDeps } from './deps.js';

const SHOWN = 100;

/** The outgoing mails' table, shared by the outbox page and a message's page. */
export function outgoingRows(mails: OutboxEntry[]): Html {
  return dataTable(
    ['#', 'Created', 'Kind', 'To', 'Subject', 'State', 'Caused by'],
    mails.map(
      (mail) =>
        html`<tr>
          <td>${mail.id}</td>
          <td>${when(mail.createdAt)}</td>
          <td>${mail.kind}</td>
          <td>${mail.recipients.join(', ')}</td>
          <td>${mail.subject}</td>
          <td>
            ${stateLabel(mail.state)} after ${mail.attempts} attempts
            ${
              mail.lastError || mail.response
                ? html`<br /><span class="muted">${mail.lastError ?? mail.response}</span>`
                : ''
            }
          </td>
          <td>${mail.spoolId ? html`<a href="/messages/${mail.spoolId}">message ${mail.spoolId}</a>` : ''}</td>
        </tr>`,
    ),
  );
}

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
  const counts = outbox.countByState();
  const states = Object.keys(counts);
  const asked = c.req.query('state');
  const state = asked && states.includes(asked) ? asked : (states.find((s) => s === 'dead') ?? states[0]);
  const mails = state ? outbox.byState(state, SHOWN) : [];
  return page(
    c,
    'Outbox',
    html`<h1>Outbox</h1>
      <p>
        ${states.map(
          (s) =>
            html`<a href="/outbox?state=${s}"
              >${s === state ? html`<b>${s} (${counts[s]})</b>` : `${s} (${counts[s]})`}</a
            > `,
        )}
      </p>
      ${
        mails.length === 0
          ? html`<p class="muted">No outgoing mail.</p>`
          : html`<p class="muted">The newest ${SHOWN} at most.</p>
              ${outgoingRows(mails)}`
      }`,
  );
}
