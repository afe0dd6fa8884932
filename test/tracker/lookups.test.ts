import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTracker, TrackerSink } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

let world: World;
let sink: TrackerSink;
beforeEach(async () => {
  world = await makeWorld();
  sink = new TrackerSink(world.tracker);
});
afterEach(() => world.cleanup());

describe('users', () => {
  it("generates incoming email tokens in GitLab's glimt- base-36 form, unique per user", () => {
    const { tracker } = world;
    const token = tracker.incomingEmailToken(world.developer);
    expect(token).toMatch(/^glimt-[0-9a-z]{20,25}$/);
    expect(token).not.toBe(tracker.incomingEmailToken(world.reporter));
  });

  it('finds a user by incoming email token, and nobody by an unknown one', async () => {
    expect((await sink.userByIncomingEmailToken('auth_token'))?.username).toBe('jake');
    const token = world.tracker.incomingEmailToken(world.guest) as string;
    expect((await sink.userByIncomingEmailToken(token))?.id).toBe(world.guest.id);
    expect(await sink.userByIncomingEmailToken('bad_token')).toBeNull();
  });

  it('accepts the primary and verified secondary emails, case-insensitively, and nothing else', async () => {
    const { tracker, jake } = world;
    must(tracker.addEmail(jake, 'jake.secondary@example.com'));
    must(tracker.addEmail(jake, 'jake.unverified@example.com', { verified: false }));
    expect(await sink.isVerifiedEmail(jake, 'jake@adventuretime.ooo')).toBe(true);
    expect(await sink.isVerifiedEmail(jake, 'JAKE@AdventureTime.ooo')).toBe(true);
    expect(await sink.isVerifiedEmail(jake, 'jake.secondary@example.com')).toBe(true);
    expect(await sink.isVerifiedEmail(jake, 'jake.unverified@example.com')).toBe(false);
    expect(await sink.isVerifiedEmail(jake, 'developer@adventuretime.ooo')).toBe(false);
    expect(await sink.isVerifiedEmail(jake, 'nobody@example.com')).toBe(false);
  });

  it('refuses a username or an email already taken, by anyone', () => {
    const { tracker } = world;
    expect(tracker.createUser({ username: 'JAKE', email: 'other@example.com' })).toEqual({
      saved: false,
      errors: ['Username has already been taken'],
    });
    expect(tracker.createUser({ username: 'other', email: 'Jake@adventuretime.ooo' })).toEqual({
      saved: false,
      errors: ['Email has already been taken'],
    });
    expect(tracker.addEmail(world.guest, 'developer@adventuretime.ooo')).toEqual({
      saved: false,
      errors: ['Email has already been taken'],
    });
    expect(tracker.createUser({ username: '', email: 'not-an-email' })).toEqual({
      saved: false,
      errors: ["Username can't be blank", 'Email is invalid'],
    });
  });

  it('marks blocked users and the Support Bot', async () => {
    expect(world.blocked.blocked).toBe(true);
    const bot = await sink.supportBot();
    expect(bot.isSupportBot).toBe(true);
    expect(world.jake.isSupportBot).toBe(false);
  });
});

describe('projects', () => {
  it('finds a project by id and by full path, case-insensitively, with its cached slug', async () => {
    const project = await world.addProject({ fullPath: 'Email/Test', id: 4242 });
    expect(project).toMatchObject({ id: 4242, fullPath: 'Email/Test', slug: 'email-test', name: 'Test' });
    expect((await sink.projectById(4242))?.fullPath).toBe('Email/Test');
    expect((await sink.projectByFullPath('email/test'))?.id).toBe(4242);
    expect(await sink.projectByFullPath('email/other')).toBeNull();
    expect(await sink.projectById(2147483647)).toBeNull();
  });

  it('validates full paths and refuses duplicates', async () => {
    const { tracker } = world;
    expect(await tracker.createProject({ fullPath: 'GitLabHQ/GitLabHQ' })).toEqual({
      saved: false,
      errors: ['Path has already been taken'],
    });
    expect(await tracker.createProject({ fullPath: 'lonely' })).toEqual({
      saved: false,
      errors: ['Path must include a namespace, as in group/project'],
    });
    const bad = await tracker.createProject({ fullPath: 'group/-bad' });
    expect(bad.saved).toBe(false);
  });

  it('finds an issue by iid within its project only', async () => {
    const { tracker, jake, project, privateProject } = world;
    const first = must(tracker.createIssue({ project, author: jake, title: 'First', description: '' }));
    const second = must(tracker.createIssue({ project, author: jake, title: 'Second', description: '' }));
    const elsewhere = must(
      tracker.createIssue({ project: privateProject, author: jake, title: 'Elsewhere', description: '' }),
    );
    expect([first.iid, second.iid, elsewhere.iid]).toEqual([1, 2, 1]);
    expect(await sink.issueByIid(project, 2)).toEqual({
      type: 'Issue',
      id: second.id,
      iid: 2,
      projectId: project.id,
      title: 'Second',
      state: 'opened',
      confidential: false,
    });
    expect((await sink.issueByIid(privateProject, 1))?.id).toBe(elsewhere.id);
    expect(await sink.issueByIid(privateProject, 2)).toBeNull();
  });

  it('never reuses an iid, even after a delete', () => {
    const { tracker, jake, project } = world;
    const first = must(tracker.createIssue({ project, author: jake, title: 'First', description: '' }));
    tracker.deleteIssue(first);
    expect(must(tracker.createIssue({ project, author: jake, title: 'Second', description: '' })).iid).toBe(2);
  });

  it('finds a Service Desk ticket by the Message-ID of the mail that created it, with or without brackets', async () => {
    const { tracker, project } = world;
    tracker.configureServiceDesk(project, { enabled: true });
    const bot = tracker.supportBot();
    const ticket = must(
      tracker.createIssue({
        project,
        author: bot,
        title: 'Help',
        description: 'Service desk stuff!',
        emailMessageId: '<CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com>',
      }),
    );
    const byBare = await sink.ticketByMessageId(
      project,
      'CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com',
    );
    const byBracketed = await sink.ticketByMessageId(
      project,
      ' <CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com>',
    );
    expect(byBare?.id).toBe(ticket.id);
    expect(byBracketed?.id).toBe(ticket.id);
    expect(
      await sink.ticketByMessageId(
        world.privateProject,
        'CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com',
      ),
    ).toBeNull();
  });
});

describe('every lookup reads an index', () => {
  it('the statements the Sink lookups run have no full-table scan in their query plans', async () => {
    const { tracker, jake, project } = world;
    tracker.configureServiceDesk(project, { enabled: true, projectKey: 'mykey' });
    const issue = must(tracker.createIssue({ project, author: jake, title: 'Issue', description: '' }));
    const noteable = (await sink.issueByIid(project, issue.iid))!;
    const key = tracker.recordSentNotification({ recipient: jake, project, noteable });

    // A connection of its own, each of its statements seen as it is first compiled: the
    // tracker's statement cache would not compile again what the setup above already asked.
    const statements = new Set<string>();
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (this: Database.Database, sql: string) {
      statements.add(sql);
      return prepare.call(this, sql);
    } as typeof prepare;
    const fresh = openTracker(world.file);
    try {
      const freshSink = new TrackerSink(fresh);
      await freshSink.sentNotification(key);
      await freshSink.sentNotification('59d8df8370b7e95c5a49fbf86aeb2c93');
      await freshSink.userByIncomingEmailToken('auth_token');
      await freshSink.isVerifiedEmail(jake, 'jake@adventuretime.ooo');
      await freshSink.projectById(project.id);
      await freshSink.projectByFullPath('gitlabhq/gitlabhq');
      await freshSink.projectByServiceDeskKey('mykey');
      await freshSink.can(world.guest, 'create_note', project, noteable);
      await freshSink.issueByIid(project, 1);
      await freshSink.ticketByMessageId(project, 'x@y');
      await freshSink.supportBot();
    } finally {
      Database.prototype.prepare = prepare;
    }

    const planner = new Database(world.file, { readonly: true });
    try {
      const scans: string[] = [];
      for (const sql of statements) {
        const parameters = (sql.match(/\?/g) ?? []).map(() => null);
        const plan = planner.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[];
        // The support-bot lookup reads a partial index of one row: fine. Anything else must SEARCH.
        for (const { detail } of plan)
          if (/^SCAN (?!.*USING (COVERING )?INDEX)/.test(detail)) scans.push(`${detail} ← ${sql}`);
      }
      expect(statements.size).toBeGreaterThan(8);
      expect(scans).toEqual([]);
    } finally {
      planner.close();
      fresh.close();
    }
  });
});
