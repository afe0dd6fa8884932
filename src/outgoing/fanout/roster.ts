import type { Project, User } from '../../handlers/sink.js';
import type { Tracker } from '../../tracker/index.js';

export interface Member {
  userId: number;
  /** GitLab's access level (`ACCESS_LEVEL`). */
  access: number;
}

/** The reads the recipient rules need from the tracker, as one narrow interface. */
export interface Roster {
  members(project: Project): Member[];
  /** 0 for a non-member. */
  access(project: Project, user: User): number;
  isPublic(project: Project): boolean;
  /** The Message-ID of the customer's mail that opened a Service Desk ticket, without brackets. */
  ticketMessageId(issueId: number): string | null;
}

export function trackerRoster(tracker: Tracker): Roster {
  return {
    members: (project) => tracker.members(project),
    access: (project, user) => tracker.accessLevel(project, user),
    isPublic: (project) => tracker.projectDetails(project)?.visibility === 'public',
    ticketMessageId: (issueId) => tracker.ticketMessageId(issueId),
  };
}
