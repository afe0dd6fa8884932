import type { Noteable } from '../handlers/sink.js';
import type { TrackerContext } from './types.js';

type NoteableKey = Pick<Noteable, 'type' | 'id'>;

export function setSubscription(ctx: TrackerContext, userId: number, noteable: NoteableKey, subscribed: boolean): void {
  ctx
    .prepare(
      `INSERT INTO subscriptions (user_id, noteable_type, noteable_id, subscribed) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET subscribed = excluded.subscribed`,
    )
    .run(userId, noteable.type, noteable.id, subscribed ? 1 : 0);
}

/** Authors, commenters and assignees follow a noteable, unless they once unsubscribed from it. */
export function subscribeParticipant(ctx: TrackerContext, userId: number, noteable: NoteableKey): void {
  ctx
    .prepare(
      'INSERT OR IGNORE INTO subscriptions (user_id, noteable_type, noteable_id, subscribed) VALUES (?, ?, ?, 1)',
    )
    .run(userId, noteable.type, noteable.id);
}

/** null when the user never subscribed nor unsubscribed. */
export function subscriptionOf(ctx: TrackerContext, userId: number, noteable: NoteableKey): boolean | null {
  const row = ctx
    .prepare('SELECT subscribed FROM subscriptions WHERE noteable_type = ? AND noteable_id = ? AND user_id = ?')
    .get(noteable.type, noteable.id, userId) as { subscribed: number } | undefined;
  return row ? row.subscribed === 1 : null;
}

export function subscriberIds(ctx: TrackerContext, noteable: NoteableKey): number[] {
  const rows = ctx
    .prepare(
      'SELECT user_id FROM subscriptions WHERE noteable_type = ? AND noteable_id = ? AND subscribed = 1 ORDER BY user_id',
    )
    .all(noteable.type, noteable.id) as { user_id: number }[];
  return rows.map((row) => row.user_id);
}
