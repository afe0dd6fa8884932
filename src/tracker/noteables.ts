import type { Noteable, NoteableType } from '../handlers/sink.js';
import type { TrackerContext } from './types.js';

export const tableOf = (type: NoteableType): 'issues' | 'merge_requests' =>
  type === 'Issue' ? 'issues' : 'merge_requests';

/** GitLab's InternalId: per project and per kind, never reused even after a delete. */
export function nextIid(ctx: TrackerContext, projectId: number, usage: 'issues' | 'merge_requests'): number {
  const row = ctx
    .prepare(
      `INSERT INTO internal_ids (project_id, usage, last_value) VALUES (?, ?, 1)
       ON CONFLICT DO UPDATE SET last_value = last_value + 1 RETURNING last_value`,
    )
    .get(projectId, usage) as { last_value: number };
  return row.last_value;
}

interface NoteableRow {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  state: Noteable['state'];
  confidential: number;
}

export function noteableById(ctx: TrackerContext, type: NoteableType, id: number): Noteable | null {
  const confidential = type === 'Issue' ? 'confidential' : '0 AS confidential';
  const row = ctx
    .prepare(`SELECT id, iid, project_id, title, state, ${confidential} FROM ${tableOf(type)} WHERE id = ?`)
    .get(id) as NoteableRow | undefined;
  return row
    ? {
        type,
        id: row.id,
        iid: row.iid,
        projectId: row.project_id,
        title: row.title,
        state: row.state,
        confidential: row.confidential === 1,
      }
    : null;
}

export function labelsOf(ctx: TrackerContext, type: NoteableType, id: number): string[] {
  const rows = ctx
    .prepare('SELECT name FROM labels WHERE noteable_type = ? AND noteable_id = ? ORDER BY name')
    .all(type, id) as {
    name: string;
  }[];
  return rows.map((row) => row.name);
}

export function assigneeIdsOf(ctx: TrackerContext, type: NoteableType, id: number): number[] {
  const rows = ctx
    .prepare('SELECT user_id FROM assignees WHERE noteable_type = ? AND noteable_id = ? ORDER BY user_id')
    .all(type, id) as { user_id: number }[];
  return rows.map((row) => row.user_id);
}

export function addLabels(ctx: TrackerContext, noteable: Noteable, names: string[]): void {
  const insert = ctx.prepare('INSERT OR IGNORE INTO labels (noteable_type, noteable_id, name) VALUES (?, ?, ?)');
  for (const name of names) insert.run(noteable.type, noteable.id, name);
}

export function removeLabels(ctx: TrackerContext, noteable: Noteable, names: string[] | 'all'): void {
  if (names === 'all') {
    ctx.prepare('DELETE FROM labels WHERE noteable_type = ? AND noteable_id = ?').run(noteable.type, noteable.id);
    return;
  }
  const remove = ctx.prepare('DELETE FROM labels WHERE noteable_type = ? AND noteable_id = ? AND name = ?');
  for (const name of names) remove.run(noteable.type, noteable.id, name);
}

export function addAssignees(ctx: TrackerContext, noteable: Noteable, userIds: number[]): void {
  const insert = ctx.prepare('INSERT OR IGNORE INTO assignees (noteable_type, noteable_id, user_id) VALUES (?, ?, ?)');
  for (const userId of userIds) insert.run(noteable.type, noteable.id, userId);
}

export function removeAssignees(ctx: TrackerContext, noteable: Noteable, userIds: number[] | 'all'): void {
  if (userIds === 'all') {
    ctx.prepare('DELETE FROM assignees WHERE noteable_type = ? AND noteable_id = ?').run(noteable.type, noteable.id);
    return;
  }
  const remove = ctx.prepare('DELETE FROM assignees WHERE noteable_type = ? AND noteable_id = ? AND user_id = ?');
  for (const userId of userIds) remove.run(noteable.type, noteable.id, userId);
}

export function updateNoteable(
  ctx: TrackerContext,
  noteable: Noteable,
  changes: { state?: Noteable['state']; title?: string; confidential?: boolean; targetBranch?: string },
): void {
  const table = tableOf(noteable.type);
  const now = ctx.now();
  if (changes.state)
    ctx.prepare(`UPDATE ${table} SET state = ?, updated_at = ? WHERE id = ?`).run(changes.state, now, noteable.id);
  if (changes.title)
    ctx.prepare(`UPDATE ${table} SET title = ?, updated_at = ? WHERE id = ?`).run(changes.title, now, noteable.id);
  if (changes.confidential !== undefined && noteable.type === 'Issue') {
    ctx
      .prepare('UPDATE issues SET confidential = ?, updated_at = ? WHERE id = ?')
      .run(changes.confidential ? 1 : 0, now, noteable.id);
  }
  if (changes.targetBranch && noteable.type === 'MergeRequest') {
    ctx
      .prepare('UPDATE merge_requests SET target_branch = ?, updated_at = ? WHERE id = ?')
      .run(changes.targetBranch, now, noteable.id);
  }
}
