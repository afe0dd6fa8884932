import { existsSync } from 'node:fs';
import path from 'node:path';
import { fullPathSlug } from '../address/index.js';
import type { Project, Saved, ServiceDeskSettings } from '../handlers/sink.js';
import { initBareRepository } from './repository.js';
import { ACCESS_LEVEL, type ProjectDetails, type Role, type TrackerContext, type Visibility } from './types.js';
import { Errors, invalid, saved } from './validation.js';

interface ProjectRow {
  id: number;
  full_path: string;
  slug: string;
  name: string;
  visibility: Visibility;
  default_branch: string;
  repository_path: string | null;
  service_desk_enabled: number;
  service_desk_project_key: string | null;
  tickets_confidential_by_default: number;
  add_external_participants_from_cc: number;
  reopen_issue_on_external_participant_note: number;
  add_aligned_repliers_as_participants: number;
}

const PATH_SEGMENT = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
const PROJECT_KEY = /^[a-z0-9_]+$/;
const PROJECT_KEY_MAX = 255;

const toProject = (row: ProjectRow): Project => ({
  id: row.id,
  fullPath: row.full_path,
  slug: row.slug,
  name: row.name,
  serviceDesk: {
    enabled: row.service_desk_enabled === 1,
    projectKey: row.service_desk_project_key,
    ticketsConfidentialByDefault: row.tickets_confidential_by_default === 1,
    addExternalParticipantsFromCc: row.add_external_participants_from_cc === 1,
    reopenIssueOnExternalParticipantNote: row.reopen_issue_on_external_participant_note === 1,
    addAlignedRepliersAsParticipants: row.add_aligned_repliers_as_participants === 1,
  },
});

export interface NewProject {
  /** `group/project`, or deeper. */
  fullPath: string;
  name?: string;
  visibility?: Visibility;
  defaultBranch?: string;
  /** Given for fixtures and seeds; assigned otherwise. */
  id?: number;
  /** A bare repository under the tracker's repositories folder, with one commit holding `files`. */
  repository?: boolean | { files: Record<string, string> };
}

function validatePath(errors: Errors, fullPath: string): void {
  const segments = fullPath.split('/');
  if (segments.length < 2) errors.add('Path must include a namespace, as in group/project');
  if (segments.some((segment) => !PATH_SEGMENT.test(segment) || /\.(git|atom)$/.test(segment))) {
    errors.add(
      "Path can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
    );
  }
}

export async function createProject(ctx: TrackerContext, input: NewProject): Promise<Saved<Project>> {
  const errors = new Errors();
  errors.blank('Path', input.fullPath);
  if (input.fullPath) validatePath(errors, input.fullPath);
  const defaultBranch = input.defaultBranch ?? 'main';
  if (errors.any) return errors.result();
  if (projectByFullPath(ctx, input.fullPath)) return invalid('Path has already been taken');
  if (input.id !== undefined && projectById(ctx, input.id)) return invalid('Id has already been taken');

  let repositoryPath: string | null = null;
  if (input.repository) {
    repositoryPath = path.resolve(ctx.repositoriesDir, `${input.fullPath}.git`);
    if (existsSync(repositoryPath)) return invalid('Repository already exists on disk');
    await initBareRepository(
      repositoryPath,
      defaultBranch,
      input.repository === true ? undefined : input.repository.files,
    );
  }
  const { lastInsertRowid } = ctx
    .prepare(
      `INSERT INTO projects (id, full_path, full_path_lower, slug, name, visibility, default_branch, repository_path, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.id ?? null,
      input.fullPath,
      input.fullPath.toLowerCase(),
      fullPathSlug(input.fullPath),
      input.name ?? input.fullPath.split('/').at(-1),
      input.visibility ?? 'private',
      defaultBranch,
      repositoryPath,
      ctx.now(),
    );
  return saved(projectById(ctx, Number(lastInsertRowid)) as Project);
}

export function projectById(ctx: TrackerContext, id: number): Project | null {
  const row = ctx.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
  return row ? toProject(row) : null;
}

/** Every project, by path: what the projects page lists (each viewer sees the ones it may read). */
export function allProjects(ctx: TrackerContext): Project[] {
  return (ctx.prepare('SELECT * FROM projects ORDER BY full_path_lower').all() as ProjectRow[]).map(toProject);
}

/** Case-insensitive, as GitLab's `find_by_full_path`. */
export function projectByFullPath(ctx: TrackerContext, fullPath: string): Project | null {
  const row = ctx.prepare('SELECT * FROM projects WHERE full_path_lower = ?').get(fullPath.toLowerCase()) as
    ProjectRow | undefined;
  return row ? toProject(row) : null;
}

/** Every project with this Service Desk key; the caller keeps the one whose slug matches. */
export function projectsByServiceDeskKey(ctx: TrackerContext, projectKey: string): Project[] {
  const rows = ctx
    .prepare('SELECT * FROM projects WHERE service_desk_project_key = ? ORDER BY id')
    .all(projectKey) as ProjectRow[];
  return rows.map(toProject);
}

export function projectDetails(ctx: TrackerContext, projectId: number): ProjectDetails | null {
  const row = ctx
    .prepare('SELECT visibility, default_branch, repository_path FROM projects WHERE id = ?')
    .get(projectId) as Pick<ProjectRow, 'visibility' | 'default_branch' | 'repository_path'> | undefined;
  return row
    ? { visibility: row.visibility, defaultBranch: row.default_branch, repositoryPath: row.repository_path }
    : null;
}

export function setVisibility(ctx: TrackerContext, projectId: number, visibility: Visibility): void {
  ctx.prepare('UPDATE projects SET visibility = ? WHERE id = ?').run(visibility, projectId);
}

export function addMember(ctx: TrackerContext, projectId: number, userId: number, role: Role): void {
  ctx
    .prepare(
      'INSERT INTO members (project_id, user_id, access) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET access = excluded.access',
    )
    .run(projectId, userId, ACCESS_LEVEL[role]);
}

export function removeMember(ctx: TrackerContext, projectId: number, userId: number): void {
  ctx.prepare('DELETE FROM members WHERE project_id = ? AND user_id = ?').run(projectId, userId);
}

/** The member's access level, 0 for a non-member. */
/** Every member with GitLab's access level, in user order. */
export function membersOf(ctx: TrackerContext, projectId: number): { userId: number; access: number }[] {
  return ctx
    .prepare('SELECT user_id AS userId, access FROM members WHERE project_id = ? ORDER BY user_id')
    .all(projectId) as {
    userId: number;
    access: number;
  }[];
}

export function accessLevel(ctx: TrackerContext, projectId: number, userId: number): number {
  const row = ctx.prepare('SELECT access FROM members WHERE project_id = ? AND user_id = ?').get(projectId, userId) as
    { access: number } | undefined;
  return row?.access ?? 0;
}

export function configureServiceDesk(
  ctx: TrackerContext,
  projectId: number,
  changes: Partial<ServiceDeskSettings>,
): Saved<ServiceDeskSettings> {
  const { db } = ctx;
  return db
    .transaction((): Saved<ServiceDeskSettings> => {
      const project = projectById(ctx, projectId);
      if (!project) return invalid('Project not found');
      const next = { ...project.serviceDesk, ...changes };
      if (next.projectKey === '') next.projectKey = null;
      const errors = new Errors();
      if (next.projectKey !== null) {
        if (!PROJECT_KEY.test(next.projectKey))
          errors.add("Project key can contain only lowercase letters, digits, and '_'.");
        errors.tooLong('Project key', next.projectKey, PROJECT_KEY_MAX);
        const taken = db
          .prepare('SELECT 1 FROM projects WHERE service_desk_project_key = ? AND slug = ? AND id != ?')
          .get(next.projectKey, project.slug, projectId);
        if (taken) errors.add('Project key already in use for another service desk address.');
      }
      if (errors.any) return errors.result();
      db.prepare(
        `UPDATE projects SET service_desk_enabled = ?, service_desk_project_key = ?, tickets_confidential_by_default = ?,
         add_external_participants_from_cc = ?, reopen_issue_on_external_participant_note = ?,
         add_aligned_repliers_as_participants = ?
       WHERE id = ?`,
      ).run(
        next.enabled ? 1 : 0,
        next.projectKey,
        next.ticketsConfidentialByDefault ? 1 : 0,
        next.addExternalParticipantsFromCc ? 1 : 0,
        next.reopenIssueOnExternalParticipantNote ? 1 : 0,
        next.addAlignedRepliersAsParticipants ? 1 : 0,
        projectId,
      );
      return saved(next);
    })
    .immediate();
}
