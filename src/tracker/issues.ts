import type { Noteable } from '../handlers/sink.js';
import { assigneeIdsOf, labelsOf, nextIid } from './noteables.js';
import type { IssueRecord, TrackerContext } from './types.js';

interface IssueRow {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string;
  author_id: number;
  state: IssueRecord['state'];
  confidential: number;
  external_author: string | null;
  created_at: number;
  updated_at: number;
}

function toIssue(ctx: TrackerContext, row: IssueRow): IssueRecord {
  return {
    id: row.id,
    iid: row.iid,
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    authorId: row.author_id,
    state: row.state,
    confidential: row.confidential === 1,
    externalAuthor: row.external_author,
    labels: labelsOf(ctx, 'Issue', row.id),
    assigneeIds: assigneeIdsOf(ctx, 'Issue', row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const issueAsNoteable = (issue: IssueRecord): Noteable => ({
  type: 'Issue',
  id: issue.id,
  iid: issue.iid,
  projectId: issue.projectId,
  title: issue.title,
  state: issue.state,
  confidential: issue.confidential,
});

export function insertIssue(
  ctx: TrackerContext,
  fields: {
    projectId: number;
    title: string;
    description: string;
    authorId: number;
    confidential: boolean;
    externalAuthor: string | null;
  },
): number {
  const now = ctx.now();
  const { lastInsertRowid } = ctx
    .prepare(
      `INSERT INTO issues (project_id, iid, title, description, author_id, confidential, external_author, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      fields.projectId,
      nextIid(ctx, fields.projectId, 'issues'),
      fields.title,
      fields.description,
      fields.authorId,
      fields.confidential ? 1 : 0,
      fields.externalAuthor,
      now,
      now,
    );
  return Number(lastInsertRowid);
}

export function issueById(ctx: TrackerContext, id: number): IssueRecord | null {
  const row = ctx.prepare('SELECT * FROM issues WHERE id = ?').get(id) as IssueRow | undefined;
  return row ? toIssue(ctx, row) : null;
}

export function issueByIid(ctx: TrackerContext, projectId: number, iid: number): IssueRecord | null {
  const row = ctx.prepare('SELECT * FROM issues WHERE project_id = ? AND iid = ?').get(projectId, iid) as
    IssueRow | undefined;
  return row ? toIssue(ctx, row) : null;
}

export function issuesOf(ctx: TrackerContext, projectId: number): IssueRecord[] {
  const rows = ctx.prepare('SELECT * FROM issues WHERE project_id = ? ORDER BY iid').all(projectId) as IssueRow[];
  return rows.map((row) => toIssue(ctx, row));
}

/** Everything hanging off the issue goes with it; sent notifications then find no noteable. */
export function deleteIssue(ctx: TrackerContext, id: number): void {
  ctx.db
    .transaction(() => {
      for (const table of ['notes', 'labels', 'assignees', 'subscriptions', 'todos']) {
        ctx.prepare(`DELETE FROM ${table} WHERE noteable_type = 'Issue' AND noteable_id = ?`).run(id);
      }
      ctx.prepare('DELETE FROM issues WHERE id = ?').run(id);
    })
    .immediate();
}

/** True the first time only: a ticket gets one thank-you mail, however often a delivery is retried. */
/** Marks the ticket's thank-you as due, once: true the first time. Sent is recorded apart, after the relay's 250. */
export function claimThankYou(ctx: TrackerContext, issueId: number): boolean {
  return (
    ctx.prepare('UPDATE issues SET thank_you_due = 1 WHERE id = ? AND thank_you_due = 0').run(issueId).changes === 1
  );
}

export function markThankYouSent(ctx: TrackerContext, issueId: number): void {
  ctx.prepare('UPDATE issues SET thank_you_sent = 1 WHERE id = ?').run(issueId);
}
