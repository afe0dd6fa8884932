import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Noteable, User } from '../../src/handlers/sink.js';
import { TrackerSink, issueAsNoteable } from '../../src/tracker/index.js';
import { newDiscussionId } from '../../src/tracker/notes.js';
import { makeWorld, must, type World } from './world.js';

let world: World;
let sink: TrackerSink;
beforeEach(async () => {
  world = await makeWorld();
  sink = new TrackerSink(world.tracker);
});
afterEach(() => world.cleanup());

function issueBy(author: User, extra: { confidential?: boolean; description?: string } = {}): Noteable {
  const created = must(
    world.tracker.createIssue({
      project: world.project,
      author,
      title: 'An issue',
      description: extra.description ?? '',
      ...extra,
    }),
  );
  return current({ type: 'Issue', id: created.id } as Noteable);
}

const current = (noteable: Noteable): Noteable => world.tracker.noteable(noteable.type, noteable.id)!;

let keyCounter = 0;
const nextKey = () => `<m${++keyCounter}@example.com>|key`;

async function reply(author: User, noteable: Noteable, body: string, extra: { discussionId?: string } = {}) {
  return sink.createNote({ idempotencyKey: nextKey(), project: world.project, noteable, author, body, ...extra });
}

describe('creating notes', () => {
  it('keeps the note with its author, discussion and external author', async () => {
    const issue = issueBy(world.jake);
    const bot = world.tracker.supportBot();
    const result = await sink.createNote({
      idempotencyKey: nextKey(),
      project: world.project,
      noteable: issue,
      author: bot,
      body: 'I could not disagree more.',
      externalAuthor: 'jake@adventuretime.ooo',
    });
    expect(result).toEqual({
      saved: true,
      record: { id: expect.any(Number), noteableId: issue.id, commandsOnly: false },
    });
    const [note] = world.tracker.notes(issue);
    expect(note).toMatchObject({
      body: 'I could not disagree more.',
      authorId: bot.id,
      externalAuthor: 'jake@adventuretime.ooo',
      internal: false,
    });
    expect(note.discussionId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('threads a reply into the discussion it names, and refuses a discussion that does not exist', async () => {
    const issue = issueBy(world.jake);
    const first = await reply(world.jake, issue, 'Start');
    const started = world.tracker.noteById(first.saved ? first.record.id : 0)!;
    await reply(world.developer, issue, 'Answer', { discussionId: started.discussionId });
    expect(world.tracker.notes(issue).map((n) => n.discussionId)).toEqual([started.discussionId, started.discussionId]);
    expect(await reply(world.developer, issue, 'Lost', { discussionId: 'f'.repeat(40) })).toEqual({
      saved: false,
      errors: ['Discussion to reply to cannot be found'],
    });
  });

  it('validates like GitLab: a blank note cannot be saved', async () => {
    const issue = issueBy(world.jake);
    expect(await reply(world.jake, issue, '  \n ')).toEqual({ saved: false, errors: ["Note can't be blank"] });
    expect(await reply(world.jake, issue, 'x'.repeat(1_000_001))).toEqual({
      saved: false,
      errors: ['Note is too long (maximum is 1000000 characters)'],
    });
    expect(world.tracker.notes(issue)).toEqual([]);
  });

  it('refuses a noteable of another project', async () => {
    const issue = issueBy(world.jake);
    expect(
      await world.tracker.createNote({ project: world.privateProject, noteable: issue, author: world.jake, body: 'x' }),
    ).toEqual({
      saved: false,
      errors: ["Noteable can't be blank"],
    });
  });

  it('subscribes a commenter to the noteable', async () => {
    const issue = issueBy(world.jake);
    await reply(world.guest, issue, 'Me too');
    expect(world.tracker.subscription(world.guest, issue)).toBe(true);
  });

  it('announces noteCreated once, after the commit', async () => {
    const issue = issueBy(world.jake);
    const seen: string[] = [];
    world.tracker.on('noteCreated', ({ note, author }) =>
      seen.push(`${author.username}: ${note.body} (${world.tracker.noteById(note.id)?.id === note.id})`),
    );
    const input = {
      idempotencyKey: 'same',
      project: world.project,
      noteable: issue,
      author: world.jake,
      body: 'Hello',
    };
    await sink.createNote(input);
    await sink.createNote(input);
    expect(seen).toEqual(['jake: Hello (true)']);
  });
});

describe('discussion ids', () => {
  it('are 40 hex characters and never repeat, across the refills of their random pool', () => {
    // A pool holds 204 ids' worth of bytes: a thousand cross four refills.
    const ids = Array.from({ length: 1000 }, () => newDiscussionId());
    expect(ids.every((id) => /^[0-9a-f]{40}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('quick actions in notes', () => {
  it('a developer closes an issue with a commands-only reply: no note is kept', async () => {
    const issue = issueBy(world.jake);
    expect(await reply(world.developer, issue, '/close\n/todo')).toEqual({
      saved: true,
      record: { id: 0, noteableId: issue.id, commandsOnly: true },
    });
    expect(current(issue).state).toBe('closed');
    expect(world.tracker.notes(issue)).toEqual([]);
    expect(world.tracker.todos(world.developer)).toHaveLength(1);
  });

  it('an outsider cannot close: the command is dropped, the text is kept', async () => {
    const issue = issueBy(world.jake);
    const result = await reply(world.outsider, issue, 'Cool!\n/close\n/todo');
    expect(result.saved).toBe(true);
    expect(current(issue).state).toBe('opened');
    expect(world.tracker.notes(issue).map((n) => n.body)).toEqual(['Cool!']);
    expect(world.tracker.todos(world.outsider)).toHaveLength(1);
  });

  it("a guest cannot close another's issue but may close and reopen their own", async () => {
    const others = issueBy(world.jake);
    const own = issueBy(world.guest);
    await reply(world.guest, others, '/close');
    await reply(world.guest, own, '/close');
    expect([current(others).state, current(own).state]).toEqual(['opened', 'closed']);
    await reply(world.guest, own, '/reopen');
    expect(current(own).state).toBe('opened');
  });

  it('reporters label, assign, retitle and make issues confidential; guests do not', async () => {
    const issue = issueBy(world.jake);
    await reply(world.guest, issue, '/label ~guessed\n/confidential');
    expect(world.tracker.issueById(issue.id)).toMatchObject({ labels: [], confidential: false });

    await reply(
      world.reporter,
      issue,
      'Triaged.\n/label ~bug ~"needs review"\n/assign @developer me\n/title Better title\n/confidential',
    );
    expect(world.tracker.issueById(issue.id)).toMatchObject({
      title: 'Better title',
      labels: ['bug', 'needs review'],
      assigneeIds: [world.developer.id, world.reporter.id],
      confidential: true,
    });
    expect(world.tracker.notes(issue).at(-1)?.body).toBe('Triaged.');

    await reply(world.reporter, issue, '/unlabel ~bug\n/unassign @developer');
    expect(world.tracker.issueById(issue.id)).toMatchObject({
      labels: ['needs review'],
      assigneeIds: [world.reporter.id],
    });
    await reply(world.reporter, issue, '/relabel ~only\n/unassign');
    expect(world.tracker.issueById(issue.id)).toMatchObject({ labels: ['only'], assigneeIds: [] });
  });

  it('assigns only users who exist and can see the project', async () => {
    const privateIssue = must(
      world.tracker.createIssue({
        project: world.privateProject,
        author: world.jake,
        title: 'Private',
        description: '',
      }),
    );
    const noteable = issueAsNoteable(world.tracker.issueById(privateIssue.id)!);
    await sink.createNote({
      idempotencyKey: nextKey(),
      project: world.privateProject,
      noteable,
      author: world.jake,
      body: '/assign @outsider @nobody @guest',
    });
    expect(world.tracker.issueById(privateIssue.id)?.assigneeIds).toEqual([world.guest.id]);
  });

  it('/subscribe and /unsubscribe follow the author', async () => {
    const issue = issueBy(world.jake);
    await reply(world.developer, issue, '/unsubscribe');
    expect(world.tracker.subscription(world.developer, issue)).toBe(false);
    await reply(world.developer, issue, '/subscribe');
    expect(world.tracker.subscription(world.developer, issue)).toBe(true);
  });

  it('the Support Bot never runs quick actions: they stay in the note as code', async () => {
    const { tracker, project } = world;
    tracker.configureServiceDesk(project, { enabled: true });
    const bot = tracker.supportBot();
    const ticket = must(tracker.createIssue({ project, author: bot, title: 'service desk issue', description: '' }));
    const noteable = issueAsNoteable(tracker.issueById(ticket.id)!);
    const result = await sink.createNote({
      idempotencyKey: nextKey(),
      project,
      noteable,
      author: bot,
      body: 'Jake out\n\n/close\n/title test',
      externalAuthor: 'jake@adventuretime.ooo',
    });
    expect(result.saved && result.record.commandsOnly).toBe(false);
    expect(tracker.notes(noteable)[0].body).toBe('Jake out\n\n`/close`\n`/title test`');
    expect(tracker.issueById(ticket.id)).toMatchObject({ title: 'service desk issue', state: 'opened' });
  });

  it('a Support Bot note of commands only is a note, not "commands only"', async () => {
    const { tracker, project } = world;
    tracker.configureServiceDesk(project, { enabled: true });
    const bot = tracker.supportBot();
    const ticket = must(tracker.createIssue({ project, author: bot, title: 'T', description: '' }));
    const noteable = issueAsNoteable(tracker.issueById(ticket.id)!);
    const result = await sink.createNote({ idempotencyKey: nextKey(), project, noteable, author: bot, body: '/close' });
    expect(result).toEqual({
      saved: true,
      record: { id: expect.any(Number), noteableId: ticket.id, commandsOnly: false },
    });
    expect(tracker.notes(noteable)[0].body).toBe('`/close`');
  });
});
