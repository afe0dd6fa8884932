import { ACCESS_LEVEL, type Role } from '../../tracker/index.js';
import { badRequest, created } from '../reply.js';
import type { Route } from '../types.js';
import { findProject, findUser, requireTracker } from './lookup.js';

const ROLES = Object.keys(ACCESS_LEVEL) as Role[];

/** POST /api/projects/:project/members {user (id or username), role}: adds the member, or changes its role. */
const addMember: Route = {
  method: 'POST',
  path: '/api/projects/:project/members',
  async handle({ params, body, deps }) {
    const tracker = requireTracker(deps);
    const project = findProject(tracker, params.project);
    const fields = await body();
    const reference = fields.reference('user');
    const role = fields.oneOf('role', ROLES);
    if (!role) throw badRequest(`role is missing (one of ${ROLES.join(', ')})`);
    const user = findUser(tracker, reference);
    tracker.addMember(project, user, role);
    return created({
      projectId: project.id,
      userId: user.id,
      username: user.username,
      role,
      accessLevel: ACCESS_LEVEL[role],
    });
  },
};

export const memberRoutes: Route[] = [addMember];
