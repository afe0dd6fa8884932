import path from 'node:path';
import type { Project, Saved, User } from '../../src/handlers/sink.js';
import { openTracker, type Tracker, type TrackerOptions } from '../../src/tracker/index.js';
import type { NewProject } from '../../src/tracker/index.js';
import { tempDir } from '../helpers/postroom.js';

export function must<T>(result: Saved<T>): T {
  if (!result.saved) throw new Error(`not saved: ${result.errors.join(', ')}`);
  return result.record;
}

export interface World {
  dir: string;
  file: string;
  tracker: Tracker;
  jake: User;
  developer: User;
  reporter: User;
  guest: User;
  outsider: User;
  blocked: User;
  /** Public, the fixtures' `gitlabhq/gitlabhq`; jake is its owner. */
  project: Project;
  /** Private `secret/vault`: jake is its owner, `guest` a guest. */
  privateProject: Project;
  addProject(input: NewProject): Promise<Project>;
  cleanup(): void;
}

/** A tracker file in a temp dir with one user per role on a public and a private project. */
export async function makeWorld(options: TrackerOptions = {}): Promise<World> {
  const { dir, cleanup } = tempDir('postroom-tracker-');
  const file = path.join(dir, 'tracker.db');
  const tracker = openTracker(file, options);
  const user = (username: string, extra: { incomingEmailToken?: string } = {}) =>
    must(tracker.createUser({ username, name: username, email: `${username}@adventuretime.ooo`, ...extra }));
  const jake = user('jake', { incomingEmailToken: 'auth_token' });
  const developer = user('developer');
  const reporter = user('reporter');
  const guest = user('guest');
  const outsider = user('outsider');
  const blocked = user('blocked');
  const project = must(await tracker.createProject({ fullPath: 'gitlabhq/gitlabhq', visibility: 'public' }));
  const privateProject = must(await tracker.createProject({ fullPath: 'secret/vault', visibility: 'private' }));
  for (const p of [project, privateProject]) {
    tracker.addMember(p, jake, 'owner');
    tracker.addMember(p, developer, 'developer');
    tracker.addMember(p, reporter, 'reporter');
    tracker.addMember(p, guest, 'guest');
    tracker.addMember(p, blocked, 'maintainer');
  }
  tracker.blockUser(blocked);
  const blockedNow = tracker.userById(blocked.id) as User;
  const world: World = {
    dir,
    file,
    tracker,
    jake,
    developer,
    reporter,
    guest,
    outsider,
    blocked: blockedNow,
    project,
    privateProject,
    addProject: async (input) => must(await tracker.createProject(input)),
    cleanup: () => {
      // A test may have reopened the file: close whichever tracker is current.
      if (world.tracker.db.open) world.tracker.close();
      cleanup();
    },
  };
  return world;
}
