import type { Noteable, Project, User } from '../../handlers/sink.js';
import { ACCESS_LEVEL, type Tracker } from '../../tracker/index.js';
import type { Session } from '../session/sessions.js';

/** Who is looking: the operator sees everything; a user what the tracker allows; no one, the public part. */
export type Viewer = { kind: 'operator'; user?: User } | { kind: 'user'; user: User } | { kind: 'anonymous' };

export function viewerOf(tracker: Tracker, session: Session | undefined): Viewer {
  const user = session?.userId === undefined ? null : tracker.userById(session.userId);
  if (session?.operator) return { kind: 'operator', user: user ?? undefined };
  return user ? { kind: 'user', user } : { kind: 'anonymous' };
}

const isPublic = (tracker: Tracker, project: Project) => tracker.projectDetails(project)?.visibility === 'public';

export function canReadProject(tracker: Tracker, viewer: Viewer, project: Project): boolean {
  if (viewer.kind === 'operator') return true;
  if (viewer.kind === 'user') return tracker.can(viewer.user, 'read_project', project);
  return isPublic(tracker, project);
}

/** Public projects' non-confidential issues are open to all; a confidential one needs the tracker's yes. */
export function canReadNoteable(tracker: Tracker, viewer: Viewer, project: Project, noteable: Noteable): boolean {
  if (viewer.kind === 'operator') return true;
  if (viewer.kind === 'user') return tracker.can(viewer.user, 'read_noteable', project, noteable);
  return isPublic(tracker, project) && !noteable.confidential;
}

/** Internal notes and Service Desk participants' addresses: reporters and up (and the operator). */
export function seesInternals(tracker: Tracker, viewer: Viewer, project: Project): boolean {
  if (viewer.kind === 'operator') return true;
  return viewer.kind === 'user' && tracker.accessLevel(project, viewer.user) >= ACCESS_LEVEL.reporter;
}
