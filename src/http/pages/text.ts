import { html } from 'hono/html';
import type { NoteRecord, Tracker } from '../../tracker/index.js';
import { when } from '../views/format.js';
import type { Html } from '../views/layout.js';

// `[name](/uploads/<secret>/<file>)` as the tracker writes attachments into Markdown.
const UPLOAD_LINK = /!?\[([^\]\n]{0,200})\]\((\/uploads\/[0-9a-f]{32}\/[A-Za-z0-9_.-]{1,255})\)/g;

/** Markdown shown as its text (no renderer: nothing a sender wrote becomes markup), plus its attachments as links. */
export function authoredText(text: string): Html {
  const uploads = [...text.matchAll(UPLOAD_LINK)].map(([, name, path]) => ({ name: name || path, path }));
  return html`<div class="text">${text || html`<span class="muted">(empty)</span>`}</div>
    ${uploads.length ? html`<p>Attachments: ${uploads.map((u) => html`<a href="${u.path}">${u.name}</a> `)}</p>` : ''}`;
}

export function authorName(tracker: Tracker, authorId: number, externalAuthor: string | null): string {
  const author = tracker.userById(authorId);
  if (author?.isSupportBot && externalAuthor) return `${externalAuthor} (by email)`;
  return author ? `${author.name} (@${author.username})` : 'unknown';
}

export function notesList(tracker: Tracker, notes: NoteRecord[]): Html {
  if (notes.length === 0) return html`<p class="muted">No comments yet.</p>`;
  return html`${notes.map(
    (note) =>
      html`<div class="note" id="note_${note.id}">
        <p>
          <b>${authorName(tracker, note.authorId, note.externalAuthor)}</b>
          <span class="muted">${when(note.createdAt)}${note.internal ? ' · internal' : ''}</span>
          <a class="muted" href="#note_${note.id}">#</a>
        </p>
        ${authoredText(note.body)}
      </div>`,
  )}`;
}
