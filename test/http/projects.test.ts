import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpWorld, type HttpWorld } from './httpWorld.js';

let world: HttpWorld;
beforeAll(async () => {
  world = await startHttpWorld();
  await world.call('POST', '/api/users', { body: { username: 'finn', email: 'finn@example.com' } });
});
afterAll(() => world.cleanup());

describe('projects', () => {
  it('creates a project with a bare repository holding the files given', async () => {
    const answer = await world.call('POST', '/api/projects', {
      body: { path: 'ooo/treehouse', visibility: 'public', repository: { files: { 'README.md': '# Treehouse\n' } } },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      fullPath: 'ooo/treehouse',
      slug: 'ooo-treehouse',
      name: 'treehouse',
      visibility: 'public',
      defaultBranch: 'main',
    });
    expect(answer.json.repositoryPath).toBe(path.join(world.dir, 'repositories', 'ooo', 'treehouse.git'));
    expect(existsSync(path.join(answer.json.repositoryPath, 'HEAD'))).toBe(true);
  });

  it('reads a project by id and by its full path sent as group%2Fproject', async () => {
    const byPath = await world.call('GET', '/api/projects/ooo%2Ftreehouse');
    expect(byPath.status).toBe(200);
    expect((await world.call('GET', `/api/projects/${byPath.json.id}`)).json.fullPath).toBe('ooo/treehouse');
  });

  it('answers 400 for a path without a namespace, a taken path, or a bad field', async () => {
    const flat = await world.call('POST', '/api/projects', { body: { path: 'treehouse' } });
    expect(flat.status).toBe(400);
    expect(flat.json.message).toBe('Path must include a namespace, as in group/project');
    expect((await world.call('POST', '/api/projects', { body: { path: 'ooo/treehouse' } })).json.message).toBe(
      'Path has already been taken',
    );
    expect(
      (await world.call('POST', '/api/projects', { body: { path: 'ooo/x', visibility: 'internal' } })).json.message,
    ).toBe('visibility must be one of public, private');
    expect((await world.call('POST', '/api/projects', { body: { path: 'ooo/y', repository: 'yes' } })).status).toBe(
      400,
    );
  });

  it('answers 404 for an unknown project', async () => {
    expect((await world.call('GET', '/api/projects/no%2Fsuch')).json).toEqual({ message: '404 Project Not Found' });
    expect((await world.call('GET', '/api/projects/999')).status).toBe(404);
  });
});

describe('members', () => {
  it('adds a member with a role, and changes the role when added again', async () => {
    const answer = await world.call('POST', '/api/projects/ooo%2Ftreehouse/members', {
      body: { user: 'finn', role: 'developer' },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ username: 'finn', role: 'developer', accessLevel: 30 });
    const project = world.tracker.projectByFullPath('ooo/treehouse')!;
    const finn = world.tracker.userByUsername('finn')!;
    expect(world.tracker.can(finn, 'create_merge_request_in', project)).toBe(true);
    await world.call('POST', '/api/projects/ooo%2Ftreehouse/members', { body: { user: finn.id, role: 'guest' } });
    expect(world.tracker.can(finn, 'create_merge_request_in', project)).toBe(false);
  });

  it('answers 400 for a missing or unknown role and 404 for an unknown user or project', async () => {
    expect(
      (await world.call('POST', '/api/projects/ooo%2Ftreehouse/members', { body: { user: 'finn' } })).json.message,
    ).toMatch(/^role is missing/);
    expect(
      (await world.call('POST', '/api/projects/ooo%2Ftreehouse/members', { body: { user: 'finn', role: 'admin' } }))
        .status,
    ).toBe(400);
    expect(
      (await world.call('POST', '/api/projects/ooo%2Ftreehouse/members', { body: { user: 'nobody', role: 'guest' } }))
        .status,
    ).toBe(404);
    expect(
      (await world.call('POST', '/api/projects/no%2Fsuch/members', { body: { user: 'finn', role: 'guest' } })).status,
    ).toBe(404);
  });
});

describe('Service Desk', () => {
  it('turns Service Desk on and answers with the address customers write to', async () => {
    const answer = await world.call('PUT', '/api/projects/ooo%2Ftreehouse/service_desk', { body: { enabled: true } });
    expect(answer.status).toBe(200);
    const id = world.tracker.projectByFullPath('ooo/treehouse')!.id;
    expect(answer.json).toMatchObject({
      enabled: true,
      projectKey: null,
      address: `contact+ooo-treehouse-${id}-issue-@postroom.test`,
    });
    expect(world.tracker.projectById(id)!.serviceDesk.enabled).toBe(true);
  });

  it('uses the project key in the address once set, and drops it again with null', async () => {
    const keyed = await world.call('PUT', '/api/projects/ooo%2Ftreehouse/service_desk', {
      body: { projectKey: 'support' },
    });
    expect(keyed.json).toMatchObject({
      enabled: true,
      projectKey: 'support',
      address: 'contact+ooo-treehouse-support@postroom.test',
    });
    const cleared = await world.call('PUT', '/api/projects/ooo%2Ftreehouse/service_desk', {
      body: { projectKey: null },
    });
    expect(cleared.json.projectKey).toBeNull();
  });

  it('answers 400 for a bad project key or flag and 404 for an unknown project', async () => {
    const badKey = await world.call('PUT', '/api/projects/ooo%2Ftreehouse/service_desk', {
      body: { projectKey: 'Not OK' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.json.message).toBe("Project key can contain only lowercase letters, digits, and '_'.");
    expect(
      (await world.call('PUT', '/api/projects/ooo%2Ftreehouse/service_desk', { body: { enabled: 'yes' } })).json
        .message,
    ).toBe('enabled must be true or false');
    expect((await world.call('PUT', '/api/projects/no%2Fsuch/service_desk', { body: { enabled: true } })).status).toBe(
      404,
    );
  });
});
