import type { Project, Saved, User } from '../handlers/sink.js';
import type { Tracker } from './tracker.js';

export interface DemoSpec {
  username: string;
  name: string;
  email: string;
  projectPath: string;
}

export const DEMO: DemoSpec = {
  username: 'demo',
  name: 'Demo User',
  email: 'demo@example.com',
  projectPath: 'demo/website',
};

export interface SeededDemo {
  user: User;
  incomingEmailToken: string;
  /** As it is after seeding: Service Desk on. */
  project: Project;
}

const README = '# Demo website\n\nSeeded by `postroom seed`: send patches to the new merge request address.\n';

/**
 * The quick start's world: a verified user who maintains a project with a repository and Service
 * Desk on. Each step looks before it creates, so seeding again changes nothing and finds the same
 * records (and so the same addresses).
 */
export async function seedDemo(tracker: Tracker, spec: DemoSpec = DEMO): Promise<SeededDemo> {
  const user =
    tracker.userByUsername(spec.username) ??
    must('user', tracker.createUser({ username: spec.username, name: spec.name, email: spec.email }));
  const existing = tracker.projectByFullPath(spec.projectPath);
  const project =
    existing ??
    must(
      'project',
      await tracker.createProject({ fullPath: spec.projectPath, repository: { files: { 'README.md': README } } }),
    );
  // Membership is an upsert; Service Desk is only touched when off, so a project key set since stays.
  tracker.addMember(project, user, 'maintainer');
  if (!project.serviceDesk.enabled) must('Service Desk', tracker.configureServiceDesk(project, { enabled: true }));
  const token = tracker.incomingEmailToken(user);
  if (!token) throw new Error(`user ${user.username} has no incoming email token`);
  return { user, incomingEmailToken: token, project: tracker.projectById(project.id) ?? project };
}

function must<T>(what: string, result: Saved<T>): T {
  if (!result.saved) throw new Error(`cannot seed the demo ${what}: ${result.errors.join(', ')}`);
  return result.record;
}
