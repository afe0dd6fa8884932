import { json, notFound } from '../reply.js';
import type { Route } from '../types.js';
import { findProject, iidParam, requireTracker } from './lookup.js';

/** GET /api/projects/:project/merge_requests: every merge request, oldest first. */
const listMergeRequests: Route = {
  method: 'GET',
  path: '/api/projects/:project/merge_requests',
  handle({ params, deps }) {
    const tracker = requireTracker(deps);
    return json(tracker.mergeRequests(findProject(tracker, params.project)));
  },
};

/** GET /api/projects/:project/merge_requests/:iid */
const readMergeRequest: Route = {
  method: 'GET',
  path: '/api/projects/:project/merge_requests/:iid',
  handle({ params, deps }) {
    const tracker = requireTracker(deps);
    const mergeRequest = tracker.mergeRequest(findProject(tracker, params.project), iidParam(params.iid));
    if (!mergeRequest) throw notFound('Merge Request');
    return json(mergeRequest);
  },
};

export const mergeRequestRoutes: Route[] = [listMergeRequests, readMergeRequest];
