import type { ProjectRef } from '../address/index.js';
import { processingError, type ProcessingError } from './errors.js';
import type { Noteable, Permission, Project, Sink, User } from './sink.js';

/** GitLab's project lookup: by id (only if the slug matches), by path, or by Service Desk key. */
export async function resolveProject(sink: Sink, ref: ProjectRef): Promise<Project | null> {
  switch (ref.by) {
    case 'id': {
      const project = await sink.projectById(ref.id);
      return project && project.slug === ref.slug ? project : null;
    }
    case 'path':
      return sink.projectByFullPath(ref.path);
    case 'serviceDeskKey':
      return (await sink.projectByServiceDeskKey(ref.projectKey)).find((p) => p.slug === ref.slug) ?? null;
  }
}

/** validate_permission!: who, then blocked, then visibility (as not found), then the permission. */
export async function checkPermission(
  sink: Sink,
  author: User | null,
  permission: Permission,
  project: Project | null,
  noteable?: Noteable | null,
): Promise<ProcessingError | null> {
  if (!author) return processingError('UserNotFoundError');
  if (author.blocked) return processingError('UserBlockedError');
  if (!project) return null;
  if (!(await sink.can(author, 'read_project', project))) return processingError('ProjectNotFound');
  if (!(await sink.can(author, permission, project, noteable ?? undefined)))
    return processingError('UserNotAuthorizedError');
  return null;
}

/** verify_record!'s message: the record name, then each validation message as a list item. */
export function invalidRecordMessage(recordName: 'comment' | 'issue' | 'merge_request', errors: string[]): string {
  return [`The ${recordName} could not be created for the following reasons:`, ...errors.map((e) => `- ${e}`)].join(
    '\n\n',
  );
}
