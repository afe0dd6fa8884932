import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpWorld, TOKEN, type HttpWorld } from './httpWorld.js';

let world: HttpWorld;
beforeAll(async () => {
  world = await startHttpWorld();
});
afterAll(() => world.cleanup());

describe('the API token', () => {
  it('is required: 401 without a token, with a Bearer challenge', async () => {
    const answer = await world.call('GET', '/api/users/support-bot', { token: null });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ message: '401 Unauthorized' });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('must be the configured one: 401 with a wrong token, or the right one cut short', async () => {
    expect((await world.call('GET', '/api/users/support-bot', { token: 'wrong-token-0123456789abcdef' })).status).toBe(
      401,
    );
    expect((await world.call('GET', '/api/users/support-bot', { token: TOKEN.slice(0, -1) })).status).toBe(401);
    expect(
      (await world.call('GET', '/api/users/support-bot', { token: null, headers: { 'private-token': 'nope' } })).status,
    ).toBe(401);
  });

  it("is accepted as Authorization: Bearer or as GitLab's PRIVATE-TOKEN", async () => {
    expect((await world.call('GET', '/api/users/support-bot')).status).toBe(200);
    expect(
      (await world.call('GET', '/api/users/support-bot', { token: null, headers: { 'private-token': TOKEN } })).status,
    ).toBe(200);
  });

  it('is checked before routing, so a stranger cannot probe which API paths exist', async () => {
    expect((await world.call('GET', '/api/no-such-thing', { token: null })).status).toBe(401);
    expect((await world.call('GET', '/api/no-such-thing')).status).toBe(404);
  });

  it('is not needed for health and metrics', async () => {
    expect((await world.call('GET', '/health', { token: null })).status).toBe(200);
    expect((await world.call('GET', '/metrics', { token: null })).status).toBe(200);
  });

  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const answer = await world.call('DELETE', '/api/users/support-bot');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET');
  });
});
