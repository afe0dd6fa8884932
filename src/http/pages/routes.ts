import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { issueAsNoteable, mergeRequestAsNoteable, type Tracker } from '../../tracker/index.js';
import { isApiPath } from '../api/mount.js';
import type { AppEnv } from '../env.js';
import { signInPath } from '../session/middleware.js';
import { page, refusalPage } from '../views/layout.js';
import { canReadNoteable, canReadProject, viewerOf, type Viewer } from './access.js';
import { issuePage, mergeRequestPage, projectPage } from './noteables.js';
import { unsubscribeConfirm, unsubscribed } from './unsubscribe.js';

const PROJECT = ':project{[^/]+(?:/[^/]+)*?}';

/**
 * The pages behind every link Postroom mails, with the tracker's permissions. Someone without a
 * session who may not see a page is asked to sign in; someone signed in is told it is not there
 * (as GitLab does, so a private path's existence is not confirmed).
 */
export function mountTrackerPages(app: Hono<AppEnv>, tracker: Tracker): void {
  const missing = (c: Context<AppEnv>, viewer: Viewer) =>
    viewer.kind === 'anonymous'
      ? c.redirect(signInPath(c.req.path), 303)
      : c.html(refusalPage(c, 'Not found', 'There is nothing here, or you may not see it.'), 404);
  const project = (c: Context<AppEnv>) => tracker.projectByFullPath(c.req.param('project') ?? '');

  app.get('/projects', (c) => {
    const viewer = viewerOf(tracker, c.get('session'));
    const projects = tracker.projects().filter((p) => canReadProject(tracker, viewer, p));
    return c.html(
      page(
        c,
        'Projects',
        html`<h1>Projects</h1>
          ${
            projects.length === 0
              ? html`<p class="muted">
                  No projects you may see.${viewer.kind === 'anonymous' ? ' Sign in to see more.' : ''}
                </p>`
              : html`<ul>
                  ${projects.map((p) => html`<li><a href="/${p.fullPath}">${p.name}</a> <span class="muted">${p.fullPath}</span></li>`)}
                </ul>`
          }`,
      ),
    );
  });

  app.get(`/-/sent_notifications/:key/unsubscribe`, (c) => {
    const notification = tracker.sentNotification(c.req.param('key'));
    if (!notification) return c.html(refusalPage(c, 'Unknown link', 'This unsubscribe link is not one we sent.'), 404);
    return c.html(unsubscribeConfirm(c, notification));
  });
  // The form above and RFC 8058's one-click POST (`List-Unsubscribe=One-Click`) both land here: the
  // key in the path is the only credential, so neither a session nor a CSRF token is asked for.
  app.post(`/-/sent_notifications/:key/unsubscribe`, (c) => {
    const notification = tracker.sentNotification(c.req.param('key'));
    if (!notification) return c.html(refusalPage(c, 'Unknown link', 'This unsubscribe link is not one we sent.'), 404);
    if (notification.unsubscribable && notification.noteable)
      tracker.unsubscribe(notification.recipient, notification.noteable);
    return c.html(unsubscribed(c, notification));
  });

  const upload = (c: Context<AppEnv>) => {
    const stored = tracker.uploadBySecret(c.req.param('secret') ?? '', c.req.param('filename') ?? '');
    if (!stored) return c.html(refusalPage(c, 'Not found', 'No such upload.'), 404);
    return new Response(new Uint8Array(stored.content), {
      headers: {
        // Never rendered by the browser as a page of ours: a hostile upload cannot script this origin.
        'Content-Type': stored.contentType || 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${stored.filename}"`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
      },
    });
  };
  // The secret in the path is the credential, as GitLab's upload links.
  app.get('/uploads/:secret/:filename', upload);
  app.get(`/${PROJECT}/uploads/:secret/:filename`, upload);

  app.get(`/${PROJECT}/-/issues/:iid{[0-9]+}`, (c) => {
    const viewer = viewerOf(tracker, c.get('session'));
    const found = project(c);
    const issue = found && tracker.issue(found, Number(c.req.param('iid')));
    if (!found || !issue || !canReadNoteable(tracker, viewer, found, issueAsNoteable(issue))) return missing(c, viewer);
    return c.html(issuePage(c, tracker, viewer, found, issue));
  });

  app.get(`/${PROJECT}/-/merge_requests/:iid{[0-9]+}`, async (c) => {
    const viewer = viewerOf(tracker, c.get('session'));
    const found = project(c);
    const mergeRequest = found && tracker.mergeRequest(found, Number(c.req.param('iid')));
    if (!found || !mergeRequest || !canReadNoteable(tracker, viewer, found, mergeRequestAsNoteable(mergeRequest)))
      return missing(c, viewer);
    const commits = await tracker.mergeRequestCommits(mergeRequest);
    return c.html(mergeRequestPage(c, tracker, viewer, found, mergeRequest, commits));
  });

  app.get(`/${PROJECT}`, (c) => {
    if (isApiPath(c.req.path)) return c.notFound();
    const viewer = viewerOf(tracker, c.get('session'));
    const found = project(c);
    if (!found || !canReadProject(tracker, viewer, found)) return missing(c, viewer);
    return c.html(projectPage(c, tracker, viewer, found));
  });
}
