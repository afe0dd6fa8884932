import { generateReplyKey, isLegacyReplyKey, parseReplyKey } from '../address/index.js';
import type { Noteable, NoteableType, Project, SentNotification, User } from '../handlers/sink.js';
import { noteableById } from './noteables.js';
import { projectById } from './projects.js';
import type { TrackerContext } from './types.js';
import { userById } from './users.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** GitLab starts a new partition when the active one's oldest row is two months old… */
const PARTITION_ROTATE_MS = 61 * DAY_MS;
/** …and detaches partitions whose newest row is two years old: their keys stop working. */
const PARTITION_DETACH_MS = 730 * DAY_MS;

interface SentNotificationRow {
  partition: number;
  reply_key: string;
  namespace_id: number | null;
  recipient_id: number;
  project_id: number | null;
  noteable_type: NoteableType;
  noteable_id: number;
  discussion_id: string | null;
}

export interface NotificationToRecord {
  recipient: User;
  project: Project | null;
  noteable: Noteable;
  /** The discussion a reply should join (notes); null for a notification about the noteable itself. */
  discussionId?: string | null;
  /** Imports a legacy 32-hex key instead of generating a partitioned one. */
  legacyReplyKey?: string;
}

/** Records a notification about to be sent and returns its public reply key, `<partition>-<key>-<namespace>` in base 36. */
export function recordSentNotification(ctx: TrackerContext, input: NotificationToRecord): string {
  if (input.legacyReplyKey !== undefined && !isLegacyReplyKey(input.legacyReplyKey)) {
    throw new RangeError('a legacy reply key is 32 lowercase hex characters');
  }
  // GitLab's sharding key is the noteable's namespace; the tracker has no groups, so it is the project's own.
  const namespaceId = input.project?.id ?? input.noteable.projectId;
  return ctx.db
    .transaction((): string => {
      const partition = activePartition(ctx);
      const publicKey = input.legacyReplyKey ?? generateReplyKey({ partition, namespaceId });
      const parsed = parseReplyKey(publicKey);
      if (!parsed) throw new Error('generated an unparsable reply key');
      ctx
        .prepare(
          `INSERT INTO sent_notifications (partition, reply_key, namespace_id, recipient_id, project_id, noteable_type, noteable_id,
             discussion_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          partition,
          parsed.key,
          parsed.form === 'legacy' ? null : namespaceId,
          input.recipient.id,
          input.project?.id ?? null,
          input.noteable.type,
          input.noteable.id,
          input.discussionId ?? null,
          ctx.now(),
        );
      return publicKey;
    })
    .immediate();
}

function activePartition(ctx: TrackerContext): number {
  const now = ctx.now();
  const latest = ctx
    .prepare('SELECT partition, started_at FROM sent_notification_partitions ORDER BY partition DESC LIMIT 1')
    .get() as { partition: number; started_at: number } | undefined;
  if (latest && now - latest.started_at < PARTITION_ROTATE_MS) {
    ctx
      .prepare('UPDATE sent_notification_partitions SET last_used_at = ? WHERE partition = ?')
      .run(now, latest.partition);
    return latest.partition;
  }
  const partition = (latest?.partition ?? 0) + 1;
  ctx
    .prepare('INSERT INTO sent_notification_partitions (partition, started_at, last_used_at) VALUES (?, ?, ?)')
    .run(partition, now, now);
  return partition;
}

/**
 * GitLab's `SentNotification.for`: a partitioned key is looked up in its partition, then in all;
 * a legacy key by itself. Only an unambiguous match counts, and rows in detached partitions are gone.
 */
/** The one live row for a reply key, or null (unknown, ambiguous, or in a detached partition). */
function liveRow(ctx: TrackerContext, text: string): SentNotificationRow | null {
  const key = parseReplyKey(text);
  if (!key) return null;
  const liveSince = ctx.now() - PARTITION_DETACH_MS;
  const select = `SELECT s.partition, s.reply_key, s.namespace_id, s.recipient_id, s.project_id, s.noteable_type, s.noteable_id, s.discussion_id
    FROM sent_notifications s JOIN sent_notification_partitions p ON p.partition = s.partition AND p.last_used_at >= ?`;
  let rows: SentNotificationRow[] = [];
  if (key.form === 'partitioned') {
    rows = ctx
      .prepare(`${select} WHERE s.partition = ? AND s.reply_key = ? LIMIT 2`)
      .all(liveSince, key.partition, key.key) as SentNotificationRow[];
  }
  if (rows.length === 0) {
    rows = ctx.prepare(`${select} WHERE s.reply_key = ? LIMIT 2`).all(liveSince, key.key) as SentNotificationRow[];
  }
  return rows.length === 1 ? rows[0] : null;
}

/** RCPT TO's question: would a reply to this key find its notification? (No records assembled.) */
export function hasSentNotification(ctx: TrackerContext, text: string): boolean {
  const row = liveRow(ctx, text);
  return row !== null && userById(ctx, row.recipient_id) !== null;
}

export function sentNotificationFor(ctx: TrackerContext, text: string): SentNotification | null {
  const row = liveRow(ctx, text);
  if (!row) return null;
  const recipient = userById(ctx, row.recipient_id);
  if (!recipient) return null;
  return {
    replyKey: publicReplyKey(row),
    recipient,
    project: row.project_id === null ? null : projectById(ctx, row.project_id),
    noteable: noteableById(ctx, row.noteable_type, row.noteable_id),
    discussionId: row.discussion_id,
    unsubscribable: row.noteable_type === 'Issue' || row.noteable_type === 'MergeRequest',
  };
}

function publicReplyKey(row: SentNotificationRow): string {
  if (isLegacyReplyKey(row.reply_key)) return row.reply_key;
  const namespace = row.namespace_id === null ? '' : `-${row.namespace_id.toString(36)}`;
  return `${row.partition.toString(36)}-${row.reply_key}${namespace}`;
}
