import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Noteable } from '../../src/handlers/sink.js';
import { MAX_EMAIL_PARTICIPANTS, TrackerSink, issueAsNoteable } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

let world: World;
let sink: TrackerSink;
beforeEach(async () => {
  world = await makeWorld();
  sink = new TrackerSink(world.tracker);
});
afterEach(() => world.cleanup());

function ticket(): Noteable {
  const { tracker, project } = world;
  tracker.configureServiceDesk(project, { enabled: true });
  const created = must(
    tracker.createIssue({
      project,
      author: tracker.supportBot(),
      title: 'Help',
      description: 'Please',
      confidential: true,
    }),
  );
  return issueAsNoteable(tracker.issueById(created.id)!);
}

describe('Service Desk settings', () => {
  it('default to disabled, no key, tickets confidential, no Cc participants, no reopening', () => {
    expect(world.project.serviceDesk).toEqual({
      enabled: false,
      projectKey: null,
      ticketsConfidentialByDefault: true,
      addExternalParticipantsFromCc: false,
      reopenIssueOnExternalParticipantNote: false,
      addAlignedRepliersAsParticipants: false,
    });
  });

  it('are changed piecewise and read back with the project', async () => {
    const { tracker, project } = world;
    must(tracker.configureServiceDesk(project, { enabled: true, projectKey: 'mykey' }));
    must(
      tracker.configureServiceDesk(project, {
        addExternalParticipantsFromCc: true,
        ticketsConfidentialByDefault: false,
      }),
    );
    expect((await sink.projectById(project.id))?.serviceDesk).toEqual({
      enabled: true,
      projectKey: 'mykey',
      ticketsConfidentialByDefault: false,
      addExternalParticipantsFromCc: true,
      reopenIssueOnExternalParticipantNote: false,
      addAlignedRepliersAsParticipants: false,
    });
  });

  it('validate the project key: [a-z0-9_]+, at most 255, unique per slug', async () => {
    const { tracker, project } = world;
    expect(tracker.configureServiceDesk(project, { projectKey: 'My-Key' })).toEqual({
      saved: false,
      errors: ["Project key can contain only lowercase letters, digits, and '_'."],
    });
    expect(tracker.configureServiceDesk(project, { projectKey: 'k'.repeat(256) }).saved).toBe(false);
    must(tracker.configureServiceDesk(project, { projectKey: 'my_key_2' }));
  });

  it('let projects with different slugs share a key', async () => {
    const { tracker, project } = world;
    const other = await world.addProject({ fullPath: 'email/test' });
    must(tracker.configureServiceDesk(project, { projectKey: 'mykey' }));
    must(tracker.configureServiceDesk(other, { projectKey: 'mykey' }));
  });

  it('refuse a key already used by a project with the same slug', async () => {
    const { tracker, project } = world;
    must(tracker.configureServiceDesk(project, { projectKey: 'mykey' }));
    const twin = await world.addProject({ fullPath: 'gitlabhq/gitlabhq_' });
    expect(twin.slug).toBe('gitlabhq-gitlabhq');
    expect(tracker.configureServiceDesk(twin, { projectKey: 'mykey' })).toEqual({
      saved: false,
      errors: ['Project key already in use for another service desk address.'],
    });
  });

  it('project-key lookup answers every project with the key; the caller picks by slug', async () => {
    const { tracker, project } = world;
    const other = await world.addProject({ fullPath: 'email/test' });
    must(tracker.configureServiceDesk(project, { enabled: true, projectKey: 'mykey' }));
    must(tracker.configureServiceDesk(other, { enabled: true, projectKey: 'mykey' }));
    const found = await sink.projectByServiceDeskKey('mykey');
    expect(found.map((p) => p.slug)).toEqual(['gitlabhq-gitlabhq', 'email-test']);
    expect(await sink.projectByServiceDeskKey('unknown')).toEqual([]);
  });
});

describe('issue email participants', () => {
  it('are added once each, case-insensitively, skipping what is no address', async () => {
    const issue = ticket();
    await sink.addEmailParticipants(issue, ['jake@adventuretime.ooo']);
    await sink.addEmailParticipants(issue, [
      'JAKE@adventuretime.ooo',
      'cc@example.com',
      'not an address',
      'kk@example.org',
    ]);
    expect(world.tracker.emailParticipants(issue)).toEqual([
      'jake@adventuretime.ooo',
      'cc@example.com',
      'kk@example.org',
    ]);
  });

  it(`stop at ${MAX_EMAIL_PARTICIPANTS} per issue, as GitLab`, async () => {
    const issue = ticket();
    await sink.addEmailParticipants(
      issue,
      Array.from({ length: 8 }, (_, n) => `p${n}@example.com`),
    );
    const added = world.tracker.addEmailParticipants(issue, ['a@example.com', 'b@example.com', 'c@example.com']);
    expect(added).toEqual(['a@example.com', 'b@example.com']);
    expect(world.tracker.emailParticipants(issue)).toHaveLength(10);
  });
});

describe('thank-you mail and reopening', () => {
  it('announces the thank-you once per ticket, whatever the retries', async () => {
    const issue = ticket();
    const due: string[] = [];
    world.tracker.on('serviceDeskThankYouDue', ({ issue, to }) => due.push(`${issue.iid} ${to}`));
    await sink.sendServiceDeskThankYou(issue, 'jake@adventuretime.ooo');
    await sink.sendServiceDeskThankYou(issue, 'jake@adventuretime.ooo');
    expect(due).toEqual(['1 jake@adventuretime.ooo']);
  });

  it('the Support Bot reopens with an internal note that mentions the assignees; an open issue stays as it is', async () => {
    const { tracker } = world;
    const issue = ticket();
    await tracker.createNote({
      project: world.project,
      noteable: issue,
      author: world.developer,
      body: '/assign @developer @reporter\n/close',
    });
    const closed = tracker.noteable('Issue', issue.id)!;
    expect(closed.state).toBe('closed');

    const bot = tracker.supportBot();
    await sink.reopen(closed, bot);
    await sink.reopen(closed, bot);
    expect(tracker.noteable('Issue', issue.id)?.state).toBe('opened');
    const notes = tracker.notes(issue);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      authorId: bot.id,
      internal: true,
      body: '@developer @reporter :wave: This issue has been reopened because it received a new comment from an external participant.',
    });
  });

  it('a user reopening leaves no note', async () => {
    const issue = ticket();
    world.tracker.setState(issue, 'closed');
    await sink.reopen(issue, world.developer);
    expect(world.tracker.noteable('Issue', issue.id)?.state).toBe('opened');
    expect(world.tracker.notes(issue)).toEqual([]);
  });
});

describe('uploads', () => {
  it('link images with ![…] and other files with […], and reuse the link for the same file', async () => {
    const png = { filename: 'bricks.png', contentType: 'image/png', content: Buffer.from('png bytes') };
    const first = await sink.upload(world.project, world.jake, png);
    expect(first?.markdown).toMatch(/^!\[bricks\]\(\/uploads\/[0-9a-f]{32}\/bricks\.png\)$/);
    expect((await sink.upload(world.project, world.jake, png))?.markdown).toBe(first?.markdown);
    const text = await sink.upload(world.project, world.jake, {
      filename: 'my notes (1).txt',
      contentType: 'text/plain',
      content: Buffer.from('x'),
    });
    expect(text?.markdown).toMatch(/^\[my_notes__1_\]\(\/uploads\/[0-9a-f]{32}\/my_notes__1_\.txt\)$/);
    const [, secret] = /\/uploads\/([0-9a-f]+)\//.exec(first!.markdown)!;
    expect(world.tracker.uploadBySecret(secret, 'bricks.png')?.content.toString()).toBe('png bytes');
  });

  it('skip attachments over the size limit', async () => {
    world.cleanup();
    world = await makeWorld({ maxAttachmentBytes: 4 });
    const upload = await new TrackerSink(world.tracker).upload(world.project, world.jake, {
      filename: 'big.bin',
      contentType: 'application/octet-stream',
      content: Buffer.from('12345'),
    });
    expect(upload).toBeNull();
  });
});
