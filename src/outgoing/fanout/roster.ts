import type { Project, User } from '../../handlers/sink.js';
import type { Tracker } from '../../tracker/index.js';

export interface Member {
  userId: number;
  /** GitLab's access level (`ACCESS_LEVEL`). */
  access: number;
}

/**
 * The reads the recipient rules need that `Tracker` has no method for yet: the member list, one
 * member's access level and a ticket's opening Message-ID. Read-only, and kept in this one place so
 * they can move into the tracker's API without touching the rules.
 */
export interface Roster {
  members(project: Project): Member[];
  /** 0 for a non-member. */
  access(project: Project, user: User): number;
  isPublic(project: Project): boolean;
  /** The Message-ID of the customer's mail that opened a Service Desk ticket, without brackets. */
  ticketMessageId(issueId: number): string | null;
}

export function trackerRoster(tracker: Tracker): Roster {
  const { db } = tracker;
  return {
    members(project) {
      return db
        .prepare('SELECT user_id AS userId, access FROM members WHERE project_id = ? ORDER BY user_id')
        .all(project.id) as Member[];
    },
    access(project, user) {
      const row = db.prepare('SELECT access FROM members WHERE project_id = ? AND user_id = ?').get(project.id, user.id) as
        | { access: number }
        | undefined;
      return row?.access ?? 0;
    },
    isPublic(project) {
      return tracker.projectDetails(project)?.visibility === 'public';
    },
    ticketMessageId(issueId) {
      const row = db.prepare('SELECT message_id FROM issue_emails WHERE issue_id = ? LIMIT 1').get(issueId) as
        | { message_id: string }
        | undefined;
      return row?.message_id ?? null;
    },
  };
}
