import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, User } from '../../src/handlers/sink.js';
import type { TrackerEventMap } from '../../src/tracker/index.js';
import { must } from '../tracker/world.js';
import { startHttpWorld, type HttpWorld } from './httpWorld.js';

let world: HttpWorld;
let project: Project;
let finn: User;
let outsider: User;
let issueIid: number;
let mergeRequestIid: number;

beforeAll(async () => {
  world = await startHttpWorld();
  const { tracker } = world;
  finn = must(tracker.createUser({ username: 'finn', email: 'finn@example.com', incomingEmailToken: 'finntoken' }));
  outsider = must(tracker.createUser({ username: 'outsider', email: 'outsider@example.com' }));
  project = must(await tracker.createProject({ fullPath: 'ooo/treehouse' }));
  tracker.addMember(project, finn, 'developer');
  issueIid = must(tracker.createIssue({ project, author: finn, title: 'The roof leaks', description: 'Drip.' })).iid;
  const mr = await tracker.createMergeRequest({
    project,
    author: finn,
    sourceBranch: 'fix-roof',
    description: 'Patched.',
    patches: [],
  });
  if (!('saved' in mr) || !mr.saved) throw new Error(`merge request not created: ${JSON.stringify(mr)}`);
  mergeRequestIid = mr.record.iid;
});
afterAll(() => world.cleanup());

describe('issues', () => {
  it("lists and reads a project's issues", async () => {
    const list = await world.call('GET', '/api/projects/ooo%2Ftreehouse/issues');
    expect(list.status).toBe(200);
    expect(list.json).toEqual([expect.objectContaining({ iid: issueIid, title: 'The roof leaks', state: 'opened' })]);
    const one = await world.call('GET', `/api/projects/${project.id}/issues/${issueIid}`);
    expect(one.json).toMatchObject({ iid: issueIid, description: 'Drip.', authorId: finn.id });
    expect(one.json.address).toBeUndefined();
  });

  it("gives a user's own address for commenting on the issue when asked", async () => {
    const answer = await world.call('GET', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}?user=finn`);
    expect(answer.json.address).toBe(`incoming+ooo-treehouse-${project.id}-finntoken-issue-${issueIid}@postroom.test`);
  });

  it('answers 400 for an iid that is not a number and 404 for an unknown issue or project', async () => {
    expect((await world.call('GET', '/api/projects/ooo%2Ftreehouse/issues/first')).status).toBe(400);
    expect((await world.call('GET', '/api/projects/ooo%2Ftreehouse/issues/99')).json).toEqual({
      message: '404 Issue Not Found',
    });
    expect((await world.call('GET', '/api/projects/no%2Fsuch/issues')).status).toBe(404);
  });
});

describe('merge requests', () => {
  it("lists and reads a project's merge requests", async () => {
    const list = await world.call('GET', '/api/projects/ooo%2Ftreehouse/merge_requests');
    expect(list.json).toEqual([
      expect.objectContaining({ iid: mergeRequestIid, sourceBranch: 'fix-roof', targetBranch: 'main' }),
    ]);
    expect(
      (await world.call('GET', `/api/projects/ooo%2Ftreehouse/merge_requests/${mergeRequestIid}`)).json.description,
    ).toBe('Patched.');
  });

  it('answers 400 for a bad iid and 404 for an unknown merge request', async () => {
    expect((await world.call('GET', '/api/projects/ooo%2Ftreehouse/merge_requests/0')).status).toBe(400);
    expect((await world.call('GET', '/api/projects/ooo%2Ftreehouse/merge_requests/42')).json).toEqual({
      message: '404 Merge Request Not Found',
    });
  });
});

describe('notes', () => {
  it('posts a note on an issue through the tracker, so noteCreated fires for the notifications', async () => {
    const seen: TrackerEventMap['noteCreated'][] = [];
    const stop = world.tracker.on('noteCreated', (event) => seen.push(event));
    const answer = await world.call('POST', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`, {
      body: { author: 'finn', body: 'On it.' },
    });
    stop();
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ body: 'On it.', authorId: finn.id, noteableType: 'Issue', internal: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      note: { id: answer.json.id, body: 'On it.' },
      noteable: { type: 'Issue', iid: issueIid },
      author: { username: 'finn' },
    });
    const list = await world.call('GET', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`);
    expect(list.json.map((note: { body: string }) => note.body)).toEqual(['On it.']);
  });

  it('posts a note on a merge request', async () => {
    const answer = await world.call('POST', `/api/projects/ooo%2Ftreehouse/merge_requests/${mergeRequestIid}/notes`, {
      body: { author: finn.id, body: 'Looks good.', internal: true },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ noteableType: 'MergeRequest', internal: true });
    expect(
      (await world.call('GET', `/api/projects/ooo%2Ftreehouse/merge_requests/${mergeRequestIid}/notes`)).json,
    ).toHaveLength(1);
  });

  it('answers 400 for a blank body or a missing author', async () => {
    const blank = await world.call('POST', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`, {
      body: { author: 'finn', body: '  ' },
    });
    expect(blank.status).toBe(400);
    expect(blank.json.message).toBe('body is missing');
    expect(
      (await world.call('POST', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`, { body: { body: 'Hi' } }))
        .json.message,
    ).toBe('author is missing');
  });

  it('answers 404 for an unknown issue or author, and 403 for an author who may not comment', async () => {
    expect(
      (
        await world.call('POST', '/api/projects/ooo%2Ftreehouse/issues/99/notes', {
          body: { author: 'finn', body: 'Hi' },
        })
      ).status,
    ).toBe(404);
    const ghost = await world.call('POST', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`, {
      body: { author: 'ghost', body: 'Boo' },
    });
    expect(ghost.json).toEqual({ message: '404 Author Not Found' });
    const stranger = await world.call('POST', `/api/projects/ooo%2Ftreehouse/issues/${issueIid}/notes`, {
      body: { author: outsider.username, body: 'Hi' },
    });
    expect(stranger.status).toBe(403);
    expect(world.tracker.notes({ type: 'Issue', id: world.tracker.issue(project, issueIid)!.id })).toHaveLength(1);
  });
});
