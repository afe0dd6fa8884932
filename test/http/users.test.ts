import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpWorld, type HttpWorld } from './httpWorld.js';

let world: HttpWorld;
let projectId: number;
beforeAll(async () => {
  world = await startHttpWorld();
  projectId = (await world.call('POST', '/api/projects', { body: { path: 'demo/website' } })).json.id;
});
afterAll(() => world.cleanup());

describe('users', () => {
  it('creates a user and answers with its incoming email token and, when asked, its addresses per project', async () => {
    const answer = await world.call('POST', '/api/users?project=demo%2Fwebsite', {
      body: { username: 'finn', name: 'Finn the Human', email: 'finn@example.com' },
    });
    expect(answer.status).toBe(201);
    const token = answer.json.incomingEmailToken;
    expect(token).toMatch(/^glimt-[0-9a-z]+$/);
    expect(answer.json).toMatchObject({
      username: 'finn',
      name: 'Finn the Human',
      email: 'finn@example.com',
      blocked: false,
    });
    expect(answer.json.addresses).toEqual([
      {
        project: 'demo/website',
        newIssue: `incoming+demo-website-${projectId}-${token}-issue@postroom.test`,
        newMergeRequest: `incoming+demo-website-${projectId}-${token}-merge-request@postroom.test`,
        serviceDesk: null,
      },
    ]);
    expect(world.tracker.userByIncomingEmailToken(token)?.username).toBe('finn');
  });

  it('reads a user by username or id, with addresses for a project given by id', async () => {
    const byName = await world.call('GET', '/api/users/finn');
    expect(byName.status).toBe(200);
    expect(byName.json.addresses).toBeUndefined();
    const byId = await world.call('GET', `/api/users/${byName.json.id}?project=${projectId}`);
    expect(byId.json.addresses[0].newIssue).toContain(byName.json.incomingEmailToken);
  });

  it('answers 400 with the reason for bad input', async () => {
    const missing = await world.call('POST', '/api/users', { body: { username: 'jake' } });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toBe('email is missing');
    const taken = await world.call('POST', '/api/users', { body: { username: 'finn', email: 'other@example.com' } });
    expect(taken.status).toBe(400);
    expect(taken.json).toEqual({
      message: 'Username has already been taken',
      errors: ['Username has already been taken'],
    });
    const notJson = await world.call('POST', '/api/users', { body: '{"username": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toMatch(/^the body is not valid JSON/);
  });

  it('answers 404 for an unknown user, and creates nobody when an asked-for project is unknown', async () => {
    expect((await world.call('GET', '/api/users/nobody')).json).toEqual({ message: '404 User Not Found' });
    const answer = await world.call('POST', '/api/users?project=no%2Fsuch', {
      body: { username: 'marceline', email: 'm@example.com' },
    });
    expect(answer.status).toBe(404);
    expect(world.tracker.userByUsername('marceline')).toBeNull();
  });
});

describe('emails', () => {
  it('adds a verified secondary email that replies may come from', async () => {
    const answer = await world.call('POST', '/api/users/finn/emails', { body: { email: 'finn@treehouse.example' } });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ email: 'finn@treehouse.example', verified: true });
    expect(world.tracker.userByVerifiedEmail('FINN@treehouse.example')?.username).toBe('finn');
  });

  it('answers 400 for an invalid or taken email and 404 for an unknown user', async () => {
    expect((await world.call('POST', '/api/users/finn/emails', { body: { email: 'not an email' } })).json.message).toBe(
      'Email is invalid',
    );
    expect((await world.call('POST', '/api/users/finn/emails', { body: { email: 'finn@example.com' } })).status).toBe(
      400,
    );
    expect((await world.call('POST', '/api/users/finn/emails', { body: { email: 42 } })).json.message).toBe(
      'email must be a string',
    );
    expect((await world.call('POST', '/api/users/nobody/emails', { body: { email: 'n@example.com' } })).status).toBe(
      404,
    );
  });
});
