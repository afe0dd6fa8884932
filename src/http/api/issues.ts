import { issueAddress } from '../addresses.js';
import { json, notFound } from '../reply.js';
import type { Route } from '../types.js';
import { findProject, findUser, iidParam, requireTracker } from './lookup.js';

/** GET /api/projects/:project/issues: every issue, oldest first. */
const listIssues: Route = {
  method: 'GET',
  path: '/api/projects/:project/issues',
  handle({ params, deps }) {
    const tracker = requireTracker(deps);
    return json(tracker.issues(findProject(tracker, params.project)));
  },
};

/** GET /api/projects/:project/issues/:iid[?user=]: with `user`, that user's address for commenting by email. */
const readIssue: Route = {
  method: 'GET',
  path: '/api/projects/:project/issues/:iid',
  handle({ params, query, deps }) {
    const tracker = requireTracker(deps);
    const project = findProject(tracker, params.project);
    const issue = tracker.issue(project, iidParam(params.iid));
    if (!issue) throw notFound('Issue');
    const asking = query.get('user');
    if (asking === null) return json(issue);
    const token = tracker.incomingEmailToken(findUser(tracker, asking));
    return json({ ...issue, address: token ? issueAddress(deps.templates, project, token, issue.iid) : null });
  },
};

export const issueRoutes: Route[] = [listIssues, readIssue];
