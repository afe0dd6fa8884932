import type { Project, User } from '../../handlers/sink.js';
import type { Tracker } from '../../tracker/index.js';
import { badRequest, notFound } from '../reply.js';
import type { HttpDeps } from '../types.js';

const DIGITS = /^\d+$/;

export function requireTracker(deps: HttpDeps): Tracker {
  if (!deps.tracker) throw notFound('Tracker (the sink is gitlab, so the embedded tracker is off)');
  return deps.tracker;
}

/** A project by id or by full path (`group/project`), as GitLab's `:id`. */
export function findProject(tracker: Tracker, reference: string): Project {
  const project = DIGITS.test(reference)
    ? tracker.projectById(Number(reference))
    : tracker.projectByFullPath(reference);
  if (!project) throw notFound('Project');
  return project;
}

/** A user by id or by username; digits only mean an id. */
export function findUser(tracker: Tracker, reference: string, what = 'User'): User {
  const user = DIGITS.test(reference) ? tracker.userById(Number(reference)) : tracker.userByUsername(reference);
  if (!user) throw notFound(what);
  return user;
}

export function iidParam(value: string): number {
  if (!DIGITS.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw badRequest(`iid must be a positive whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
