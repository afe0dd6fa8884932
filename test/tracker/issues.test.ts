import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrackerSink } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

let world: World;
let sink: TrackerSink;
beforeEach(async () => {
  world = await makeWorld();
  sink = new TrackerSink(world.tracker);
});
afterEach(() => world.cleanup());

const issueInput = (overrides: Partial<Parameters<TrackerSink['createIssue']>[0]> = {}) => ({
  idempotencyKey: '<new-issue@example.com>|gitlabhq-gitlabhq-1-auth_token-issue',
  project: world.project,
  author: world.jake,
  title: 'New Issue by email',
  description: 'reply by email',
  ...overrides,
});

describe('creating issues', () => {
  it('keeps title, description, author; not confidential unless asked', async () => {
    const result = await sink.createIssue(issueInput());
    expect(result).toEqual({ saved: true, record: { id: expect.any(Number), iid: 1 } });
    expect(world.tracker.issues(world.project)).toEqual([
      expect.objectContaining({
        iid: 1,
        title: 'New Issue by email',
        description: 'reply by email',
        authorId: world.jake.id,
        confidential: false,
        state: 'opened',
      }),
    ]);
  });

  it('validates like GitLab: a blank title cannot be saved, nor an oversized one', async () => {
    expect(await sink.createIssue(issueInput({ title: '   ' }))).toEqual({
      saved: false,
      errors: ["Title can't be blank"],
    });
    expect(await sink.createIssue(issueInput({ title: 't'.repeat(256) }))).toEqual({
      saved: false,
      errors: ['Title is too long (maximum is 255 characters)'],
    });
    expect(world.tracker.issues(world.project)).toEqual([]);
  });

  it('an empty description is fine', async () => {
    expect((await sink.createIssue(issueInput({ description: '' }))).saved).toBe(true);
  });

  it("runs the description's quick actions with the author's rights, except those for existing issues", async () => {
    await sink.createIssue(
      issueInput({ description: 'Body\n/label ~bug\n/assign me\n/confidential\n/close\n/title Other' }),
    );
    expect(world.tracker.issue(world.project, 1)).toMatchObject({
      description: 'Body',
      labels: ['bug'],
      assigneeIds: [world.jake.id],
      confidential: true,
      state: 'opened',
      title: 'New Issue by email',
    });
    await sink.createIssue(
      issueInput({ idempotencyKey: 'other', author: world.guest, description: '/label ~bug\n/confidential' }),
    );
    expect(world.tracker.issue(world.project, 2)).toMatchObject({ description: '', labels: [], confidential: false });
  });

  it('a Service Desk ticket keeps the external author, the confidential flag, and inert commands', async () => {
    world.tracker.configureServiceDesk(world.project, { enabled: true });
    const bot = world.tracker.supportBot();
    await sink.createIssue(
      issueInput({
        author: bot,
        title: 'The message subject! @all',
        description: 'Help\n/close',
        confidential: true,
        externalAuthor: 'jake@adventuretime.ooo',
      }),
    );
    expect(world.tracker.issue(world.project, 1)).toMatchObject({
      authorId: bot.id,
      description: 'Help\n`/close`',
      confidential: true,
      externalAuthor: 'jake@adventuretime.ooo',
    });
  });

  it('announces issueCreated to listeners inside its transaction: a throwing listener undoes the issue', async () => {
    const { tracker } = world;
    const project = tracker.projectById(world.project.id)!;
    const seen: string[] = [];
    const off = tracker.on('issueCreated', ({ issue }) => seen.push(issue.title));
    must(tracker.createIssue({ project, author: world.jake, title: 'One', description: '' }));
    const breaking = tracker.on('issueCreated', () => {
      throw new Error('listener broke');
    });
    expect(() => tracker.createIssue({ project, author: world.jake, title: 'Two', description: '' })).toThrow(
      'listener broke',
    );
    breaking();
    off();
    expect(seen).toEqual(['One', 'Two']);
    expect(tracker.issues(project).map((issue) => issue.title)).toEqual(['One']);
  });
});

describe('idempotency', () => {
  it('the same key twice gives one issue and the first result', async () => {
    const first = await sink.createIssue(issueInput());
    const second = await sink.createIssue(issueInput({ title: 'Changed on the way' }));
    expect(second).toEqual(first);
    expect(world.tracker.issues(world.project)).toHaveLength(1);
    expect(world.tracker.issue(world.project, 1)?.title).toBe('New Issue by email');
  });

  it('the same key twice gives one note, and a commands-only reply runs once', async () => {
    const issue = (await sink.issueByIid(
      world.project,
      must(world.tracker.createIssue({ project: world.project, author: world.jake, title: 'T', description: '' })).iid,
    ))!;
    const note = {
      idempotencyKey: '<r1@x>|k',
      project: world.project,
      noteable: issue,
      author: world.jake,
      body: 'Once',
    };
    const first = await sink.createNote(note);
    expect(await sink.createNote(note)).toEqual(first);
    expect(world.tracker.notes(issue)).toHaveLength(1);

    const todo = { ...note, idempotencyKey: '<r2@x>|k', body: '/todo' };
    const firstTodo = await sink.createNote(todo);
    world.tracker.db.prepare('UPDATE todos SET done = 1').run();
    expect(await sink.createNote(todo)).toEqual(firstTodo);
    expect(world.tracker.todos(world.jake)).toHaveLength(0);
  });

  it('a refused action is not remembered: a retry after fixing the cause applies', async () => {
    expect((await sink.createIssue(issueInput({ idempotencyKey: 'k', title: '' }))).saved).toBe(false);
    expect((await sink.createIssue(issueInput({ idempotencyKey: 'k' }))).saved).toBe(true);
  });

  it('survives a reopen of the file: the key is on disk', async () => {
    const first = await sink.createIssue(issueInput());
    world.tracker.close();
    const { openTracker } = await import('../../src/tracker/index.js');
    world.tracker = openTracker(world.file);
    expect(await new TrackerSink(world.tracker).createIssue(issueInput())).toEqual(first);
    expect(world.tracker.issues(world.project)).toHaveLength(1);
  });
});

describe('Service Desk ticket confidentiality', () => {
  it("follows the project's default when the caller does not say", async () => {
    const { tracker, project } = world;
    tracker.configureServiceDesk(project, { enabled: true });
    const bot = tracker.supportBot();
    const withDefault = tracker.projectById(project.id)!;
    await sink.createIssue(issueInput({ idempotencyKey: 'a', project: withDefault, author: bot }));
    tracker.configureServiceDesk(project, { ticketsConfidentialByDefault: false });
    await sink.createIssue(issueInput({ idempotencyKey: 'b', project: tracker.projectById(project.id)!, author: bot }));
    await sink.createIssue(issueInput({ idempotencyKey: 'c', project: withDefault, author: world.jake }));
    expect(tracker.issues(project).map((issue) => issue.confidential)).toEqual([true, false, false]);
  });
});
