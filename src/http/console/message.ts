import type { Context } from 'hono';
import { html } from 'hono/html';
import type { RawHeader } from '../../address/index.js';
import type { DeliveryEntry, MessageTrace, SpoolEntry } from '../../spool/index.js';
import type { Tracker } from '../../tracker/index.js';
import type { AppEnv } from '../env.js';
import type { OutboxEntry } from '../types.js';
import { stateLabel, when } from '../views/format.js';
import { csrfField, page, type Html } from '../views/layout.js';
import { dataTable } from '../views/table.js';
import type { ConsoleDeps } from './deps.js';
import { decodeWords, subjectOf } from './messageLog.js';
import { outgoingRows } from './outbox.js';
import { readHeaderFields } from '../../message/headers.js';

const REPLAYABLE = new Set(['dead', 'rejected']);

function envelope(entry: SpoolEntry): Html {
  return html`<dl>
    <dt>Spool id</dt>
    <dd>${entry.id}</dd>
    <dt>Received</dt>
    <dd>${when(entry.receivedAt)} by ${entry.source}${entry.mailbox ? ` (${entry.mailbox})` : ''}</dd>
    <dt>Message-ID</dt>
    <dd>${entry.messageId ?? '(none)'}</dd>
    <dt>MAIL FROM</dt>
    <dd>${entry.mailFrom || '<> (null sender)'}</dd>
    <dt>RCPT TO</dt>
    <dd>${entry.recipients.join(', ')}</dd>
    <dt>Client</dt>
    <dd>${entry.clientAddress ?? 'unknown'}${entry.helo ? ` (HELO ${entry.helo})` : ''}</dd>
    <dt>TLS</dt>
    <dd>${entry.tls ? 'yes' : 'no'}</dd>
    <dt>Session</dt>
    <dd>${entry.sessionId}</dd>
    <dt>Size</dt>
    <dd>${entry.size} bytes</dd>
    <dt>State</dt>
    <dd>${stateLabel(entry.state)} after ${entry.attempts} attempts</dd>
    ${
      entry.lastError
        ? html`<dt>Reason</dt>
            <dd>${entry.lastError}</dd>`
        : ''
    }
  </dl>`;
}

function why(delivery: DeliveryEntry): string {
  const outcome = delivery.outcome;
  if (!outcome) return delivery.lastError ?? '';
  if (outcome.state === 'rejected') return `${outcome.error}${outcome.message ? `: ${outcome.message}` : ''}`;
  return 'reason' in outcome ? outcome.reason : '';
}

/** Each accepted recipient's delivery: what routing found for it and how it ended. */
function recipients(trace: MessageTrace): Html {
  return dataTable(
    ['Recipient', 'Key', 'Handler', 'Outcome'],
    trace.deliveries.map(
      (delivery) =>
        html`<tr>
          <td>${delivery.recipient ?? '(from the headers)'}</td>
          <td>
            ${delivery.key ?? 'none'}${delivery.keySource ? html` <span class="muted">(${delivery.keySource})</span>` : ''}
          </td>
          <td>${delivery.handler ?? ''}</td>
          <td>
            ${stateLabel(delivery.state)} after ${delivery.attempts} attempts
            <span class="muted">${why(delivery)}</span>
          </td>
        </tr>`,
    ),
  );
}

function timeline(trace: MessageTrace): Html {
  const events = trace.events;
  const recipientOf = new Map(trace.deliveries.map((d) => [d.id, d.recipient ?? 'headers']));
  if (events.length === 0) return html`<p class="muted">Nothing has happened to this message yet.</p>`;
  return html`<ol class="timeline">
    ${events.map(
      (event) =>
        html`<li>
          <b>${event.kind}</b>
          <span class="muted"
            >${when(event.at)}, attempt
            ${event.attempt}${event.delivery === undefined ? '' : `, for ${recipientOf.get(event.delivery)}`}</span
          >
          ${event.detail ? html`<pre>${JSON.stringify(event.detail, null, 2)}</pre>` : ''}
        </li>`,
    )}
  </ol>`;
}

function authenticationResults(headers: RawHeader[]): Html {
  const results = headers.filter((h) => h.name.toLowerCase() === 'authentication-results');
  if (results.length === 0) return html`<p class="muted">No Authentication-Results recorded for this message.</p>`;
  return html`${results.map((h) => html`<pre>${h.value}</pre>`)}`;
}

function outgoing(trace: MessageTrace, caused: OutboxEntry[] | undefined): Html {
  const notices = trace.deliveries.flatMap((d) => (d.outcome?.state === 'rejected' ? [d.outcome.notice] : []));
  const rows = !caused
    ? html`<p class="muted">No outbox in this Postroom: the mail its routing caused is not recorded.</p>`
    : caused.length === 0
      ? html`<p class="muted">No outgoing mail recorded for this message.</p>`
      : outgoingRows(caused);
  return html`${notices.map((notice) => html`<p>Rejection notice: ${notice}</p>`)}${rows}`;
}

/** What the routing posted: the note's or the new issue's text, with a link to it. */
function posted(trace: MessageTrace, tracker: Tracker | undefined): Html {
  const details = trace.deliveries.flatMap((d) =>
    d.outcome?.state === 'done' && d.outcome.detail ? [d.outcome.detail] : [],
  );
  if (!tracker || details.length === 0) return html`<p class="muted">Nothing was posted.</p>`;
  return html`${details.map((detail) => postedOne(detail, tracker))}`;
}

function postedOne(detail: Record<string, unknown>, tracker: Tracker): Html {
  const noteId = typeof detail.note === 'number' ? detail.note : undefined;
  const issueId =
    typeof detail.issue === 'number'
      ? detail.issue
      : typeof detail.ticket === 'number' && !noteId
        ? detail.ticket
        : undefined;
  const note = noteId === undefined ? null : tracker.noteById(noteId);
  if (note) {
    const noteable = tracker.noteable(note.noteableType, note.noteableId);
    const project = tracker.projectById(note.projectId);
    const segment = note.noteableType === 'Issue' ? 'issues' : 'merge_requests';
    const link = noteable && project ? `/${project.fullPath}/-/${segment}/${noteable.iid}#note_${note.id}` : undefined;
    return html`${link ? html`<p><a href="${link}">Note on ${noteable?.title}</a></p>` : ''}
      <pre>${note.body}</pre>`;
  }
  const issue = issueId === undefined ? null : tracker.issueById(issueId);
  if (issue) {
    const project = tracker.projectById(issue.projectId);
    return html`<p><a href="/${project?.fullPath}/-/issues/${issue.iid}">Issue #${issue.iid}: ${issue.title}</a></p>
      <pre>${issue.description}</pre>`;
  }
  const mergeRequest = typeof detail.mergeRequest === 'number' ? tracker.mergeRequestById(detail.mergeRequest) : null;
  if (mergeRequest) {
    const project = tracker.projectById(mergeRequest.projectId);
    return html`<p>
        <a href="/${project?.fullPath}/-/merge_requests/${mergeRequest.iid}"
          >Merge request !${mergeRequest.iid}: ${mergeRequest.title}</a
        >
      </p>
      <pre>${mergeRequest.description}</pre>`;
  }
  return html`<pre>${JSON.stringify(detail, null, 2)}</pre>`;
}

export function messagePage(c: Context<AppEnv>, deps: ConsoleDeps, entry: MessageTrace): Html {
  const { spool, tracker, outbox } = deps.sources;
  const raw = spool.raw(entry.id);
  const headers = raw ? readHeaderFields(raw) : [];
  const subject = subjectOf(headers);
  const replay = REPLAYABLE.has(entry.state)
    ? html`<form method="post" action="/replay">
        ${csrfField(c)}<input type="hidden" name="id" value="${entry.id}" />
        <button class="primary" type="submit">Replay this message</button>
      </form>`
    : '';
  return page(
    c,
    `Message ${entry.id}`,
    html`<h1>${subject ?? '(no subject)'}</h1>
      ${replay}
      <p><a href="/messages/${entry.id}/raw">Download the raw message</a></p>
      <h2>Envelope</h2>
      ${envelope(entry)}
      <h2>Authentication</h2>
      ${authenticationResults(headers)}
      <h2>Recipients</h2>
      ${recipients(entry)}
      <h2>Trace</h2>
      ${timeline(entry)}
      <h2>Posted</h2>
      ${posted(entry, tracker)}
      <h2>Outgoing mail it caused</h2>
      ${outgoing(entry, outbox?.causedBy(entry.id))}
      <h2>Headers</h2>
      <div class="scroll">
        <table>
          <tbody>
            ${headers.map(
              (h) =>
                html`<tr>
                  <th>${h.name}</th>
                  <td>${h.name.toLowerCase() === 'subject' ? decodeWords(h.value) : h.value}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`,
  );
}
