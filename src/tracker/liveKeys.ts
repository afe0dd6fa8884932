import type { MailTarget, ProjectRef } from '../address/index.js';
import { hasSentNotification } from './sentNotifications.js';
import type { TrackerContext } from './types.js';

/**
 * Whether a mail key means something in the tracker: RCPT TO's exact check. It runs on the SMTP
 * thread for every recipient, so each answer is one statement of index reads that builds no
 * records (on a WAL file, every statement outside a transaction pays for its own read lock).
 */
export function knowsTarget(ctx: TrackerContext, target: MailTarget): boolean {
  switch (target.kind) {
    case 'reply':
    case 'unsubscribe':
      return hasSentNotification(ctx, target.replyKey.text);
    case 'newIssue':
    case 'newMergeRequest':
    case 'noteOnIssue': {
      const [where, params] = projectMatch(target.project);
      const sql = `SELECT EXISTS (SELECT 1 FROM projects WHERE ${where})
                      AND EXISTS (SELECT 1 FROM users WHERE incoming_email_token = ? AND blocked = 0)`;
      return (
        ctx
          .prepare(sql)
          .pluck()
          .get(...params, target.token) === 1
      );
    }
    case 'serviceDesk': {
      const [where, params] = projectMatch(target.project);
      const sql = `SELECT EXISTS (SELECT 1 FROM projects WHERE ${where} AND service_desk_enabled = 1)`;
      return (
        ctx
          .prepare(sql)
          .pluck()
          .get(...params) === 1
      );
    }
  }
}

/** The condition that finds the project a key names, as GitLab's handlers look it up. */
function projectMatch(ref: ProjectRef): [string, (string | number)[]] {
  switch (ref.by) {
    case 'id':
      return ['id = ? AND slug = ?', [ref.id, ref.slug]];
    case 'path':
      return ['full_path_lower = ?', [ref.path.toLowerCase()]];
    case 'serviceDeskKey':
      return ['service_desk_project_key = ? AND slug = ?', [ref.projectKey, ref.slug]];
  }
}
