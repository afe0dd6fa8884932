import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { CERTIFICATE_EXPIRY_WARNING_DAYS } from '../../smtp/certificateReload.js';
import type { HealthReport } from '../health.js';
import { recentRefusals } from '../../spool/index.js';
import { duration, stateLabel, when } from '../views/format.js';
import { page, type Html } from '../views/layout.js';
import type { ConsoleDeps } from './deps.js';
import { messageRows } from './messageTable.js';
import { refusalRows } from './refusals.js';

const RECENT = 8;

function counts(title: string, values: Record<string, number> | null, absent: string): Html {
  if (!values)
    return html`<h2>${title}</h2>
      <p class="muted">${absent}</p>`;
  const entries = Object.entries(values);
  return html`<h2>${title}</h2>
    <div class="cards">
      ${entries.length === 0 ? html`<p class="muted">None yet.</p>` : ''}
      ${entries.map(([state, n]) => html`<div class="card">${stateLabel(state)}<b>${n}</b></div>`)}
    </div>`;
}

function tlsLine(tls: NonNullable<HealthReport['tls']>): Html {
  const expiry =
    tls.daysLeft < 0
      ? html`<span class="bad">expired ${when(tls.notAfter)}</span>`
      : html`<span class="${tls.daysLeft < CERTIFICATE_EXPIRY_WARNING_DAYS ? 'bad' : 'ok'}"
            >valid until ${when(tls.notAfter)}</span
          >
          (${tls.daysLeft} days)`;
  const refused = tls.reloadError
    ? html`; <span class="bad">the last new pair was refused: ${tls.reloadError}</span>`
    : '';
  return html`${tls.subject}, ${expiry}, read ${when(tls.loadedAt)}${refused}`;
}

export function dashboard(c: Context<AppEnv>, deps: ConsoleDeps): Html {
  const report = deps.health();
  const routing = report.routing;
  const routingLine = !routing
    ? html`<span class="muted">runs in another process (worker.enabled is false)</span>`
    : routing.running
      ? html`<span class="ok">running</span>, ${routing.restarts} restarts`
      : html`<span class="bad">not running</span>, ${routing.restarts} restarts ${routing.lastError ?? ''}`;
  const refusals = recentRefusals(deps.sources.spool.db, RECENT);
  const dead = deps.log.list({ states: ['dead', 'rejected'], limit: RECENT });
  return page(
    c,
    'Dashboard',
    html`<h1>Dashboard</h1>
      <p class="${report.status === 'ok' ? 'ok' : 'bad'}">
        ${report.status === 'ok' ? 'Everything is healthy.' : 'Something needs attention:'}
      </p>
      ${
        report.problems.length
          ? html`<ul>
              ${report.problems.map((p) => html`<li class="bad">${p}</li>`)}
            </ul>`
          : ''
      }
      <dl>
        <dt>Backlog</dt>
        <dd>${report.backlog ? `${report.backlog.waiting} waiting for routing` : 'unknown (spool unreadable)'}</dd>
        <dt>Oldest due</dt>
        <dd>${report.backlog ? duration(report.backlog.oldestDueAgeSeconds) : 'unknown'}</dd>
        <dt>Routing</dt>
        <dd>${routingLine}</dd>
        ${
          report.tls
            ? html`<dt>TLS certificate</dt>
                <dd>${tlsLine(report.tls)}</dd>`
            : ''
        }
        <dt>As of</dt>
        <dd>${when(deps.now())}</dd>
      </dl>
      ${counts('Messages by state', report.spool, 'The spool could not be read.')}
      ${counts('Outbox', report.outbox, 'No outbox in this Postroom: outgoing mail is sent at once and logged.')}
      <h2>Recent RCPT refusals <a href="/refusals" class="muted">all</a></h2>
      ${refusalRows(refusals)}
      <h2>Recent dead letters and rejections <a href="/dead" class="muted">all</a></h2>
      ${messageRows(dead.rows)}`,
  );
}
