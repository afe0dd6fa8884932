import { afterEach, describe, expect, it } from 'vitest';
import { startHttpWorld, TOKEN, type HttpWorld } from './httpWorld.js';
import { Visitor } from './visitor.js';

let world: HttpWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const MINUTE = 60_000;

describe('sign-in attempts are limited', () => {
  it('refuses an address that guessed the operator token ten times, right token or not, until the window passes', async () => {
    let clock = Date.now();
    world = await startHttpWorld({ now: () => clock });
    const guesser = new Visitor(world.base);
    await guesser.get('/sign-in');
    for (let guess = 0; guess < 10; guess++)
      expect((await guesser.post('/sign-in', { token: `guess-${guess}` })).status).toBe(401);

    const refused = await guesser.post('/sign-in', { token: TOKEN });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.text).toContain('Too many attempts from your address');
    expect(guesser.cookies.has('postroom_session')).toBe(false);

    clock += 15 * MINUTE;
    const signedIn = await guesser.post('/sign-in', { token: TOKEN, next: '/' });
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/']);
  });

  it('mails an address at most five links in fifteen minutes, and answers the same page past that', async () => {
    let clock = Date.now();
    const mailed: string[] = [];
    world = await startHttpWorld({
      now: () => clock,
      sources: { mailSignInLink: async (to) => void mailed.push(to.address) },
    });
    world.tracker.createUser({ username: 'ada', name: 'Ada', email: 'ada@example.com' });
    const asker = new Visitor(world.base);
    await asker.get('/sign-in');
    const pages: string[] = [];
    for (let ask = 0; ask < 7; ask++) {
      const page = await asker.post('/sign-in/mail', { email: ask % 2 ? 'Ada@Example.com' : 'ada@example.com' });
      expect(page.status).toBe(200);
      pages.push(page.text.replace(/name="_csrf" value="[^"]+"/g, '').replace(/Ada@Example\.com/g, 'ada@example.com'));
    }
    expect(mailed).toHaveLength(5);
    expect(new Set(pages).size).toBe(1);

    clock += 15 * MINUTE;
    await asker.post('/sign-in/mail', { email: 'ada@example.com' });
    expect(mailed).toHaveLength(6);
  });

  it('answers 429 to an address that asks for more than ten links in fifteen minutes, whatever the addresses', async () => {
    world = await startHttpWorld({ sources: { mailSignInLink: async () => undefined } });
    const asker = new Visitor(world.base);
    await asker.get('/sign-in');
    for (let ask = 0; ask < 10; ask++)
      expect((await asker.post('/sign-in/mail', { email: `someone${ask}@example.com` })).status).toBe(200);
    const refused = await asker.post('/sign-in/mail', { email: 'one-more@example.com' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
  });
});
