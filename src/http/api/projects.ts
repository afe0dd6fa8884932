import type { NewProject, Visibility } from '../../tracker/index.js';
import type { Fields } from '../fields.js';
import { badRequest, created, invalidRecord, json } from '../reply.js';
import type { Route } from '../types.js';
import { findProject, requireTracker } from './lookup.js';
import { projectView } from './present.js';

const VISIBILITIES: readonly Visibility[] = ['public', 'private'];

/** `repository`: true for a bare repository with a README, or `{files: {path: content}}` for its first commit. */
function repositoryField(fields: Fields): NewProject['repository'] {
  const value = fields.value('repository');
  if (value === undefined || typeof value === 'boolean') return value;
  const files = typeof value === 'object' && !Array.isArray(value) ? (value as { files?: unknown }).files : undefined;
  const valid =
    files !== null &&
    typeof files === 'object' &&
    !Array.isArray(files) &&
    Object.values(files).every((content) => typeof content === 'string');
  if (!valid) throw badRequest('repository must be true, false or {"files": {"<path>": "<content>"}}');
  return { files: files as Record<string, string> };
}

/** POST /api/projects {path, name?, visibility?, defaultBranch?, repository?}: 201 the project. */
const createProject: Route = {
  method: 'POST',
  path: '/api/projects',
  async handle({ body, deps }) {
    const tracker = requireTracker(deps);
    const fields = await body();
    const result = await tracker.createProject({
      fullPath: fields.string('path'),
      name: fields.optionalString('name'),
      visibility: fields.oneOf('visibility', VISIBILITIES),
      defaultBranch: fields.optionalString('defaultBranch'),
      repository: repositoryField(fields),
    });
    if (!result.saved) throw invalidRecord(result.errors);
    return created(projectView(tracker, deps.templates, result.record));
  },
};

/** GET /api/projects/:project (id, or full path with its slash as %2F). */
const readProject: Route = {
  method: 'GET',
  path: '/api/projects/:project',
  handle({ params, deps }) {
    const tracker = requireTracker(deps);
    return json(projectView(tracker, deps.templates, findProject(tracker, params.project)));
  },
};

export const projectRoutes: Route[] = [createProject, readProject];
