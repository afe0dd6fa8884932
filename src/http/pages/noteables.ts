import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Project } from '../../handlers/sink.js';
import {
  issueAsNoteable,
  mergeRequestAsNoteable,
  type Commit,
  type IssueRecord,
  type MergeRequestRecord,
  type Tracker,
} from '../../tracker/index.js';
import type { AppEnv } from '../env.js';
import { stateLabel, when } from '../views/format.js';
import { page, type Html } from '../views/layout.js';
import { seesInternals, type Viewer } from './access.js';
import { authoredText, authorName, notesList } from './text.js';

const labels = (names: string[]) => html`${names.map((name) => html`<span class="tag">${name}</span>`)}`;

function participants(tracker: Tracker, viewer: Viewer, project: Project, issue: IssueRecord): Html {
  const emails = tracker.emailParticipants(issue);
  if (emails.length === 0) return html``;
  const shown = seesInternals(tracker, viewer, project)
    ? html`<ul>
        ${emails.map((email) => html`<li>${email}</li>`)}
      </ul>`
    : html`<p class="muted">
        Participants by email: ${emails.length} (their addresses are shown to project members).
      </p>`;
  return html`<h2>Service Desk participants</h2>
    ${shown}`;
}

export function issuePage(
  c: Context<AppEnv>,
  tracker: Tracker,
  viewer: Viewer,
  project: Project,
  issue: IssueRecord,
): Html {
  const internals = seesInternals(tracker, viewer, project);
  const notes = tracker.notes(issueAsNoteable(issue)).filter((note) => internals || !note.internal);
  return page(
    c,
    `${issue.title} (#${issue.iid})`,
    html`<p><a href="/${project.fullPath}">${project.name}</a> · Issue #${issue.iid}</p>
      <h1>${issue.title}</h1>
      <p>
        ${stateLabel(issue.state)} ${issue.confidential ? html`<span class="tag bad">confidential</span>` : ''}
        ${labels(issue.labels)}
        <span class="muted"
          >opened ${when(issue.createdAt)} by ${authorName(tracker, issue.authorId, issue.externalAuthor)}</span
        >
      </p>
      ${authoredText(issue.description)} ${participants(tracker, viewer, project, issue)}
      <h2>Comments</h2>
      ${notesList(tracker, notes)}`,
  );
}

function commitList(commits: Commit[]): Html {
  if (commits.length === 0) return html`<p class="muted">No commits on the source branch beyond the target.</p>`;
  return html`<ol>
    ${commits.map((commit) => html`<li><code>${commit.sha.slice(0, 12)}</code> ${commit.subject}</li>`)}
  </ol>`;
}

export function mergeRequestPage(
  c: Context<AppEnv>,
  tracker: Tracker,
  viewer: Viewer,
  project: Project,
  mergeRequest: MergeRequestRecord,
  commits: Commit[],
): Html {
  const internals = seesInternals(tracker, viewer, project);
  const notes = tracker.notes(mergeRequestAsNoteable(mergeRequest)).filter((note) => internals || !note.internal);
  return page(
    c,
    `${mergeRequest.title} (!${mergeRequest.iid})`,
    html`<p><a href="/${project.fullPath}">${project.name}</a> · Merge request !${mergeRequest.iid}</p>
      <h1>${mergeRequest.title}</h1>
      <p>
        ${stateLabel(mergeRequest.state)} ${labels(mergeRequest.labels)}
        <span class="muted"
          >opened ${when(mergeRequest.createdAt)} by ${authorName(tracker, mergeRequest.authorId, null)}</span
        >
      </p>
      <p>Source branch <code>${mergeRequest.sourceBranch}</code> into <code>${mergeRequest.targetBranch}</code></p>
      ${authoredText(mergeRequest.description)}
      <h2>Commits</h2>
      ${commitList(commits)}
      <h2>Comments</h2>
      ${notesList(tracker, notes)}`,
  );
}

export function projectPage(c: Context<AppEnv>, tracker: Tracker, viewer: Viewer, project: Project): Html {
  const readable = (issue: IssueRecord) =>
    viewer.kind === 'operator' ||
    !issue.confidential ||
    (viewer.kind === 'user' && tracker.can(viewer.user, 'read_noteable', project, issueAsNoteable(issue)));
  const issues = tracker.issues(project).filter(readable).reverse();
  const mergeRequests = tracker.mergeRequests(project).reverse();
  const details = tracker.projectDetails(project);
  return page(
    c,
    project.name,
    html`<h1>${project.name}</h1>
      <p class="muted">
        ${project.fullPath} · ${details?.visibility ?? ''}${project.serviceDesk.enabled ? ' · Service Desk on' : ''}
      </p>
      <h2>Issues</h2>
      ${
        issues.length === 0
          ? html`<p class="muted">No issues.</p>`
          : html`<ul>
              ${issues.map(
                (issue) =>
                  html`<li>
                    <a href="/${project.fullPath}/-/issues/${issue.iid}">#${issue.iid} ${issue.title}</a>
                    ${stateLabel(issue.state)}
                  </li>`,
              )}
            </ul>`
      }
      <h2>Merge requests</h2>
      ${
        mergeRequests.length === 0
          ? html`<p class="muted">No merge requests.</p>`
          : html`<ul>
              ${mergeRequests.map(
                (mr) =>
                  html`<li>
                    <a href="/${project.fullPath}/-/merge_requests/${mr.iid}">!${mr.iid} ${mr.title}</a>
                    ${stateLabel(mr.state)}
                  </li>`,
              )}
            </ul>`
      }`,
  );
}
