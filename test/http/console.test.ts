import { afterEach, describe, expect, it } from 'vitest';
import type { HttpWorld } from './httpWorld.js';
import { startHttpWorld, TOKEN } from './httpWorld.js';
import { signInAsOperator, Visitor } from './visitor.js';

let world: HttpWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const HOUR = 3_600_000;

async function storeMessage(target: HttpWorld, subject: string, extra: { messageId?: string; from?: string } = {}) {
  const raw = Buffer.from(`Subject: ${subject}\r\nMessage-ID: ${extra.messageId ?? '<x@example.com>'}\r\n\r\nbody\r\n`);
  const stored = await target.spool.store({
    source: 'smtp',
    sessionId: 's1',
    clientAddress: '192.0.2.1',
    tls: false,
    mailFrom: extra.from ?? 'finn@example.com',
    recipients: ['incoming+abc@postroom.test'],
    receivedAt: Date.now(),
    messageId: extra.messageId ?? '<x@example.com>',
    chunks: [raw],
    size: raw.length,
  });
  if (!stored.stored) throw new Error(stored.reason);
  return stored.id;
}

/** The message's one delivery is claimed and ends dead, as the worker would leave it. */
function deadLetter(target: HttpWorld, id: number) {
  target.spool.queue.settle(Date.now() + 1, [], 10);
  const [delivery] = target.spool.deliveriesOf(id);
  target.spool.queue.settle(
    Date.now(),
    [{ id: delivery.id, outcome: { state: 'dead', reason: 'no handler for this address' } }],
    0,
  );
}

describe('signing in to the console', () => {
  it('sends a visitor without a session to the sign-in page and back', async () => {
    world = await startHttpWorld();
    const visitor = new Visitor(world.base);
    const first = await visitor.get('/messages?state=dead');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/sign-in?next=%2Fmessages%3Fstate%3Ddead');
    await visitor.get('/sign-in');
    const signedIn = await visitor.post('/sign-in', { token: TOKEN, next: '/messages?state=dead' });
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/messages?state=dead']);
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('postroom_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect((await visitor.get('/messages?state=dead')).status).toBe(200);
  });

  it('refuses a wrong token and an off-site next', async () => {
    world = await startHttpWorld();
    const visitor = new Visitor(world.base);
    await visitor.get('/sign-in');
    expect((await visitor.post('/sign-in', { token: 'not-the-token-at-all' })).status).toBe(401);
    const answer = await visitor.post('/sign-in', { token: TOKEN, next: '//evil.example/' });
    expect(answer.headers.get('location')).toBe('/');
  });

  it('marks the cookie Secure when the base URL is https', async () => {
    world = await startHttpWorld({ sources: { baseUrl: 'https://postroom.example' } });
    const answer = await signInAsOperator(new Visitor(world.base), TOKEN);
    expect(answer.headers.getSetCookie().find((l) => l.startsWith('postroom_session='))).toMatch(/Secure/);
  });

  it('ends a session after session_ttl', async () => {
    let now = Date.now();
    world = await startHttpWorld({ now: () => now, httpExtra: '  session_ttl: 30m' });
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    expect((await visitor.get('/')).status).toBe(200);
    now += 29 * 60_000;
    expect((await visitor.get('/')).status).toBe(200);
    now += 2 * 60_000;
    expect((await visitor.get('/')).status).toBe(303);
  });

  it('signs out', async () => {
    world = await startHttpWorld();
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    await visitor.get('/');
    expect((await visitor.post('/sign-out')).status).toBe(303);
    expect((await visitor.get('/')).status).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing form without the token, with a wrong one, or with another visitor’s', async () => {
    world = await startHttpWorld();
    const id = await storeMessage(world, 'lost');
    deadLetter(world, id);
    const operator = new Visitor(world.base);
    await signInAsOperator(operator, TOKEN);
    await operator.get('/dead');
    expect((await operator.post('/replay', { id: String(id) }, null)).status).toBe(403);
    expect((await operator.post('/replay', { id: String(id) }, 'forged-token')).status).toBe(403);
    const other = new Visitor(world.base);
    const otherPage = await other.get('/sign-in');
    expect((await operator.post('/replay', { id: String(id) }, otherPage.csrf)).status).toBe(403);
    expect(world.spool.get(id)?.state).toBe('dead');
    // The sign-in form too: a login forged by another site is refused.
    expect((await new Visitor(world.base).post('/sign-in', { token: TOKEN }, null)).status).toBe(403);
  });
});

describe('the console pages', () => {
  it('replays a dead letter from the dead page, and its trace shows the replay', async () => {
    const woken: number[] = [];
    world = await startHttpWorld({ sources: { wakeRouting: () => woken.push(1) } });
    const id = await storeMessage(world, 'lost');
    deadLetter(world, id);
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    const dead = await visitor.get('/dead');
    expect(dead.text).toContain(`value="${id}"`);
    const answer = await visitor.post('/replay', { id: String(id) });
    expect([answer.status, answer.headers.get('location')]).toEqual([303, `/messages/${id}`]);
    expect(world.spool.get(id)?.state).toBe('queued');
    expect(woken).toHaveLength(1);
    const trace = await visitor.get(`/messages/${id}`);
    expect(trace.text).toContain('<b>replay</b>');
    expect(trace.text).toContain('replayed from the console');
  });

  it("shows each recipient's own outcome, and replays only the failed one", async () => {
    world = await startHttpWorld();
    const raw = Buffer.from('Subject: two\r\n\r\nbody\r\n');
    const stored = await world.spool.store({
      source: 'smtp',
      sessionId: 's2',
      tls: true,
      mailFrom: 'finn@example.com',
      recipients: ['incoming+good@postroom.test', 'incoming+bad@postroom.test'],
      receivedAt: Date.now(),
      chunks: [raw],
      size: raw.length,
    });
    if (!stored.stored) throw new Error(stored.reason);
    world.spool.queue.settle(Date.now() + 1, [], 10);
    const [good, bad] = world.spool.deliveriesOf(stored.id);
    world.spool.queue.settle(
      Date.now(),
      [
        { id: good.id, outcome: { state: 'done', detail: { note: 999 } }, routing: { key: 'good' } },
        { id: bad.id, outcome: { state: 'dead', reason: 'the project is gone' }, routing: { key: 'bad' } },
      ],
      0,
    );
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    const page = await visitor.get(`/messages/${stored.id}`);
    const rows = [...page.text.matchAll(/<td>(incoming\+\w+@postroom\.test)<\/td>[\s\S]*?class="state state-(\w+)"/g)];
    expect(rows.map((m) => [m[1], m[2]])).toEqual([
      ['incoming+good@postroom.test', 'done'],
      ['incoming+bad@postroom.test', 'dead'],
    ]);
    expect(page.text).toContain('the project is gone');
    await visitor.post('/replay', { id: String(stored.id) });
    expect(world.spool.deliveriesOf(stored.id).map((d) => d.state)).toEqual(['done', 'queued']);
  });

  it('replays many at once', async () => {
    world = await startHttpWorld();
    const ids = [await storeMessage(world, 'one'), await storeMessage(world, 'two')];
    for (const id of ids) deadLetter(world, id);
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    await visitor.get('/dead');
    const answer = await visitor.post('/replay', { id: ids.map(String) });
    expect(answer.headers.get('location')).toBe('/dead?replayed=2');
    expect(ids.map((id) => world?.spool.get(id)?.state)).toEqual(['queued', 'queued']);
  });

  it('finds messages by Message-ID, subject words, sender and state', async () => {
    world = await startHttpWorld();
    await storeMessage(world, 'Quarterly report', { messageId: '<report@example.com>' });
    const other = await storeMessage(world, '=?UTF-8?Q?Caf=C3=A9_menu?=', {
      messageId: '<menu@example.com>',
      from: 'chef@example.org',
    });
    deadLetter(world, other);
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    // Each row links its id and its subject; the subjects are the links that are not just digits.
    const titles = async (query: string) =>
      [...(await visitor.get(`/messages?${query}`)).text.matchAll(/<a href="\/messages\/\d+">([^<]*)<\/a>/g)]
        .map((m) => m[1])
        .filter((title) => !/^\d+$/.test(title));
    expect(await titles('q=report%40example.com')).toEqual(['Quarterly report']);
    expect(await titles('q=caf%C3%A9')).toEqual(['Café menu']);
    expect(await titles('sender=chef')).toEqual(['Café menu']);
    expect(await titles('state=dead')).toEqual(['Café menu']);
    expect(await titles('')).toEqual(['Café menu', 'Quarterly report']);
  });

  it('goes on with a subject search past the messages one page reads, through Older', async () => {
    world = await startHttpWorld();
    const target = world;
    const old = await storeMessage(target, 'Invoice from last spring');
    // More newer messages than a subject search reads for one page (2,000).
    await Promise.all(Array.from({ length: 2_010 }, (_, n) => storeMessage(target, `Newer message ${n}`)));
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    const first = await visitor.get('/messages?q=invoice');
    expect(first.text).toContain('The subject search looked at the newest 2000 messages');
    expect(first.text).not.toContain(`/messages/${old}"`);
    const older = /<a href="(\/messages\?[^"]*before=\d+[^"]*)">Older<\/a>/
      .exec(first.text)?.[1]
      .replaceAll('&amp;', '&');
    expect(older).toContain('q=invoice');
    const second = await visitor.get(older!);
    expect(second.text).toContain(`<a href="/messages/${old}">Invoice from last spring</a>`);
    expect(second.text).not.toContain('The subject search looked at');
    expect(second.text).not.toMatch(/>Older</);
  });

  it('offers the raw message as a download', async () => {
    world = await startHttpWorld();
    const id = await storeMessage(world, 'raw one');
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    const raw = await visitor.get(`/messages/${id}/raw`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="message-${id}.eml"`);
    expect(raw.text).toContain('Subject: raw one');
  });

  it('escapes a hostile subject and sender everywhere it shows them', async () => {
    world = await startHttpWorld();
    const id = await storeMessage(world, '<script>alert(1)</script>', {
      from: '"><img src=x onerror=alert(2)>@example.com',
    });
    deadLetter(world, id);
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    for (const path of ['/', '/messages', '/dead', `/messages/${id}`]) {
      const page = await visitor.get(path);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert');
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const search = await visitor.get('/messages?q=%22%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E');
    expect(search.text).not.toContain('<script>alert(3)');
  });

  it('lists outgoing mail by state with its reason, and on the page of the message that caused it', async () => {
    const mail = {
      id: 7,
      kind: 'notification',
      state: 'dead',
      messageId: '<n7@postroom.test>',
      recipients: ['finn@example.com'],
      subject: 'Re: <i>hostile</i>',
      spoolId: 1,
      attempts: 3,
      lastError: '550 5.1.1 mailbox unknown',
      response: null,
      createdAt: Date.now(),
    };
    // The outbox lives in the tracker DB (another part); its reader is handed in like the others.
    world = await startHttpWorld({
      sources: {
        outbox: {
          countByState: () => ({ dead: 1, sent: 0 }),
          byState: (state) => (state === 'dead' ? [mail] : []),
          causedBy: (spoolId) => (spoolId === 1 ? [mail] : []),
        },
      },
    });
    const id = await storeMessage(world, 'cause');
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    for (const path of ['/outbox', '/outbox?state=dead', `/messages/${id}`]) {
      const page = await visitor.get(path);
      expect(page.text).toContain('550 5.1.1 mailbox unknown');
      expect(page.text).toContain('Re: &lt;i&gt;hostile&lt;/i&gt;');
    }
    expect((await visitor.get('/outbox?state=sent')).text).toContain('No outgoing mail.');
  });

  it('shows the RCPT refusals and says where the outbox is absent', async () => {
    world = await startHttpWorld();
    world.spool.db
      .prepare(
        `INSERT INTO rcpt_refusals (at, session_id, client_address, mail_from, recipient, code, reason)
         VALUES (?, 's9', '198.51.100.4', 'x@example.com', 'nobody@postroom.test', 550, '5.1.1 No such recipient here')`,
      )
      .run(Date.now() - HOUR);
    const visitor = new Visitor(world.base);
    await signInAsOperator(visitor, TOKEN);
    const refusals = await visitor.get('/refusals');
    expect(refusals.text).toContain('nobody@postroom.test');
    expect(refusals.text).toContain('550 5.1.1 No such recipient here');
    expect(refusals.text).toContain('198.51.100.4');
    expect((await visitor.get('/')).text).toContain('nobody@postroom.test');
    expect((await visitor.get('/outbox')).text).toContain('No outbox in this Postroom');
  });
});
