import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Noteable, Permission, Project, User } from '../../src/handlers/sink.js';
import { issueAsNoteable } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

let world: World;
beforeEach(async () => {
  world = await makeWorld();
});
afterEach(() => world.cleanup());

const PERMISSIONS: Permission[] = [
  'read_project',
  'create_note',
  'create_issue',
  'create_merge_request_in',
  'create_merge_request_from',
];

function matrix(project: Project, noteable?: Noteable): Record<string, string> {
  const { tracker } = world;
  const users: User[] = [
    world.jake,
    world.developer,
    world.reporter,
    world.guest,
    world.outsider,
    world.blocked,
    tracker.supportBot(),
  ];
  return Object.fromEntries(
    users.map((user) => [
      user.username,
      PERMISSIONS.map((permission) => (tracker.can(user, permission, project, noteable) ? 'y' : '-')).join(''),
    ]),
  );
}

describe('permissions', () => {
  // Columns: read_project, create_note, create_issue, create_merge_request_in, create_merge_request_from.
  it('on a public project: anyone reads, comments and opens issues; developers and up open merge requests', () => {
    expect(matrix(world.project)).toEqual({
      jake: 'yyyyy',
      developer: 'yyyyy',
      reporter: 'yyy--',
      guest: 'yyy--',
      outsider: 'yyy--',
      blocked: '-----',
      'support-bot': '-----',
    });
  });

  it('on a private project: members only', () => {
    expect(matrix(world.privateProject)).toEqual({
      jake: 'yyyyy',
      developer: 'yyyyy',
      reporter: 'yyy--',
      guest: 'yyy--',
      outsider: '-----',
      blocked: '-----',
      'support-bot': '-----',
    });
  });

  it('on a confidential issue, comments are for reporters and up, the author and assignees', async () => {
    const { tracker, project, guest, outsider, reporter } = world;
    const byGuest = must(
      tracker.createIssue({ project, author: guest, title: 'Mine', description: '', confidential: true }),
    );
    const byReporter = must(
      tracker.createIssue({
        project,
        author: reporter,
        title: 'Theirs',
        description: '/assign @outsider',
        confidential: true,
      }),
    );
    const mine = issueAsNoteable(tracker.issueById(byGuest.id)!);
    const theirs = issueAsNoteable(tracker.issueById(byReporter.id)!);
    expect(tracker.can(guest, 'create_note', project, mine)).toBe(true);
    expect(tracker.can(guest, 'create_note', project, theirs)).toBe(false);
    expect(tracker.can(outsider, 'create_note', project, theirs)).toBe(true);
    expect(tracker.can(outsider, 'create_note', project, mine)).toBe(false);
    expect(tracker.can(reporter, 'create_note', project, mine)).toBe(true);
  });

  it('the Support Bot reads, opens tickets and comments only where Service Desk is enabled, whatever the visibility', () => {
    const { tracker, privateProject } = world;
    must(tracker.configureServiceDesk(privateProject, { enabled: true }));
    const project = tracker.projectById(privateProject.id)!;
    expect(matrix(project)['support-bot']).toBe('yyy--');
    const ticket = must(
      tracker.createIssue({
        project,
        author: tracker.supportBot(),
        title: 'Help',
        description: '',
        confidential: true,
      }),
    );
    expect(
      tracker.can(tracker.supportBot(), 'create_note', project, issueAsNoteable(tracker.issueById(ticket.id)!)),
    ).toBe(true);
  });

  it('a public project made private shuts non-members out at once', () => {
    const { tracker, project, outsider } = world;
    tracker.setVisibility(project, 'private');
    expect(tracker.can(outsider, 'read_project', project)).toBe(false);
  });
});
