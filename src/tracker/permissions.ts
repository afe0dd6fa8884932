import type { Noteable, Permission, Project, User } from '../handlers/sink.js';
import { accessLevel, projectDetails } from './projects.js';
import { ACCESS_LEVEL, type TrackerContext } from './types.js';

/**
 * GitLab's project policy, cut to what incoming email needs. Blocked users never pass. The Support
 * Bot acts only where Service Desk is enabled, and there it may read, open tickets and comment
 * whatever the visibility (GitLab's support-bot rules).
 */
export function can(
  ctx: TrackerContext,
  user: User,
  permission: Permission,
  project: Project,
  noteable?: Noteable,
): boolean {
  if (user.blocked) return false;
  if (user.isSupportBot) return supportBotCan(permission, project);
  const access = accessLevel(ctx, project.id, user.id);
  const readable = access > 0 || projectDetails(ctx, project.id)?.visibility === 'public';
  if (!readable) return false;
  switch (permission) {
    case 'read_project':
    case 'create_issue':
      return true;
    case 'read_noteable':
    case 'create_note':
      return noteable ? canReadNoteable(ctx, user, access, noteable) : true;
    case 'create_merge_request_in':
    case 'create_merge_request_from':
      return access >= ACCESS_LEVEL.developer;
  }
}

function supportBotCan(permission: Permission, project: Project): boolean {
  if (!project.serviceDesk.enabled) return false;
  return permission === 'read_project' || permission === 'create_issue' || permission === 'create_note';
}

/** A confidential issue is for reporters and up, its author and its assignees. */
function canReadNoteable(ctx: TrackerContext, user: User, access: number, noteable: Noteable): boolean {
  if (noteable.type !== 'Issue' || !noteable.confidential || access >= ACCESS_LEVEL.reporter) return true;
  return isAuthorOrAssignee(ctx, user, noteable);
}

export function isAuthorOrAssignee(ctx: TrackerContext, user: User, noteable: Noteable): boolean {
  const table = noteable.type === 'Issue' ? 'issues' : 'merge_requests';
  const author = ctx.prepare(`SELECT author_id FROM ${table} WHERE id = ?`).get(noteable.id) as
    { author_id: number } | undefined;
  if (author?.author_id === user.id) return true;
  return !!ctx
    .prepare('SELECT 1 FROM assignees WHERE noteable_type = ? AND noteable_id = ? AND user_id = ?')
    .get(noteable.type, noteable.id, user.id);
}

export function isAuthor(ctx: TrackerContext, user: User, noteable: Noteable): boolean {
  const table = noteable.type === 'Issue' ? 'issues' : 'merge_requests';
  const row = ctx.prepare(`SELECT author_id FROM ${table} WHERE id = ?`).get(noteable.id) as
    { author_id: number } | undefined;
  return row?.author_id === user.id;
}

/**
 * Rights for quick actions. Issues: reporters manage labels, assignees and confidentiality; the
 * author may also close, reopen and retitle. Merge requests: the same, with developer for reporter
 * (GitLab's admin_merge_request).
 */
export function canManage(ctx: TrackerContext, user: User, project: Project, noteable: Noteable): boolean {
  if (user.blocked) return false;
  const needed = noteable.type === 'Issue' ? ACCESS_LEVEL.reporter : ACCESS_LEVEL.developer;
  return accessLevel(ctx, project.id, user.id) >= needed;
}

export function canUpdate(ctx: TrackerContext, user: User, project: Project, noteable: Noteable): boolean {
  return canManage(ctx, user, project, noteable) || (!user.blocked && isAuthor(ctx, user, noteable));
}
