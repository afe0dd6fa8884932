import type { Noteable } from '../handlers/sink.js';
import type { TrackerContext } from './types.js';

export interface Todo {
  id: number;
  userId: number;
  noteableType: Noteable['type'];
  noteableId: number;
  done: boolean;
}

/** `/todo`: one pending to-do per user and noteable. */
export function addTodo(ctx: TrackerContext, userId: number, noteable: Noteable): void {
  const pending = ctx
    .prepare('SELECT 1 FROM todos WHERE noteable_type = ? AND noteable_id = ? AND user_id = ? AND done = 0')
    .get(noteable.type, noteable.id, userId);
  if (!pending) {
    ctx
      .prepare('INSERT INTO todos (user_id, noteable_type, noteable_id, created_at) VALUES (?, ?, ?, ?)')
      .run(userId, noteable.type, noteable.id, ctx.now());
  }
}

export function markTodosDone(ctx: TrackerContext, userId: number, noteable: Noteable): void {
  ctx
    .prepare('UPDATE todos SET done = 1 WHERE noteable_type = ? AND noteable_id = ? AND user_id = ?')
    .run(noteable.type, noteable.id, userId);
}

export function pendingTodos(ctx: TrackerContext, userId: number): Todo[] {
  const rows = ctx
    .prepare('SELECT id, user_id, noteable_type, noteable_id FROM todos WHERE user_id = ? AND done = 0 ORDER BY id')
    .all(userId) as {
    id: number;
    user_id: number;
    noteable_type: Noteable['type'];
    noteable_id: number;
  }[];
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    noteableType: row.noteable_type,
    noteableId: row.noteable_id,
    done: false,
  }));
}
