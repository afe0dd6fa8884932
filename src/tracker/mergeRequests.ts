import type { Noteable } from '../handlers/sink.js';
import { assigneeIdsOf, labelsOf, nextIid } from './noteables.js';
import type { MergeRequestRecord, TrackerContext } from './types.js';

interface MergeRequestRow {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string;
  author_id: number;
  state: MergeRequestRecord['state'];
  source_branch: string;
  target_branch: string;
  created_at: number;
  updated_at: number;
}

function toMergeRequest(ctx: TrackerContext, row: MergeRequestRow): MergeRequestRecord {
  return {
    id: row.id,
    iid: row.iid,
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    authorId: row.author_id,
    state: row.state,
    sourceBranch: row.source_branch,
    targetBranch: row.target_branch,
    labels: labelsOf(ctx, 'MergeRequest', row.id),
    assigneeIds: assigneeIdsOf(ctx, 'MergeRequest', row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const mergeRequestAsNoteable = (mr: MergeRequestRecord): Noteable => ({
  type: 'MergeRequest',
  id: mr.id,
  iid: mr.iid,
  projectId: mr.projectId,
  title: mr.title,
  state: mr.state,
  confidential: false,
});

export function insertMergeRequest(
  ctx: TrackerContext,
  fields: {
    projectId: number;
    title: string;
    description: string;
    authorId: number;
    sourceBranch: string;
    targetBranch: string;
  },
): number {
  const now = ctx.now();
  const { lastInsertRowid } = ctx
    .prepare(
      `INSERT INTO merge_requests (project_id, iid, title, description, author_id, source_branch, target_branch, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      fields.projectId,
      nextIid(ctx, fields.projectId, 'merge_requests'),
      fields.title,
      fields.description,
      fields.authorId,
      fields.sourceBranch,
      fields.targetBranch,
      now,
      now,
    );
  return Number(lastInsertRowid);
}

export function mergeRequestById(ctx: TrackerContext, id: number): MergeRequestRecord | null {
  const row = ctx.prepare('SELECT * FROM merge_requests WHERE id = ?').get(id) as MergeRequestRow | undefined;
  return row ? toMergeRequest(ctx, row) : null;
}

export function mergeRequestByIid(ctx: TrackerContext, projectId: number, iid: number): MergeRequestRecord | null {
  const row = ctx.prepare('SELECT * FROM merge_requests WHERE project_id = ? AND iid = ?').get(projectId, iid) as
    MergeRequestRow | undefined;
  return row ? toMergeRequest(ctx, row) : null;
}

export function mergeRequestsOf(ctx: TrackerContext, projectId: number): MergeRequestRecord[] {
  const rows = ctx
    .prepare('SELECT * FROM merge_requests WHERE project_id = ? ORDER BY iid')
    .all(projectId) as MergeRequestRow[];
  return rows.map((row) => toMergeRequest(ctx, row));
}

/** GitLab refuses a second open merge request from the same source branch. */
export function openMergeRequestFrom(
  ctx: TrackerContext,
  projectId: number,
  sourceBranch: string,
): MergeRequestRecord | null {
  const row = ctx
    .prepare("SELECT * FROM merge_requests WHERE project_id = ? AND source_branch = ? AND state = 'opened'")
    .get(projectId, sourceBranch) as MergeRequestRow | undefined;
  return row ? toMergeRequest(ctx, row) : null;
}
