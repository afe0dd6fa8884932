import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greet } from '../helpers/smtpTalk.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';

const REPLY_KEY = 'b7-0123456789abcdefghijklmno';

let postroom: TestPostroom;

beforeAll(async () => {
  postroom = await startTestPostroom();
});
afterAll(async () => {
  await postroom.cleanup();
});

function transport(options: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: postroom.port,
    secure: false,
    tls: { rejectUnauthorized: false },
    ...options,
  });
}

async function sendError(message: nodemailer.SendMailOptions, options: Record<string, unknown> = {}) {
  const error = await transport(options)
    .sendMail(message)
    .then(
      () => undefined,
      (e: { responseCode?: number; response?: string }) => e,
    );
  expect(error, 'the send should have been refused').toBeDefined();
  return error as { responseCode?: number; response?: string };
}

describe('SMTP verdicts', () => {
  it('accepts a message to a valid key with 250 only once it is in the spool', async () => {
    const info = await transport().sendMail({
      from: 'jake@example.com',
      to: `incoming+${REPLY_KEY}@postroom.test`,
      subject: 'Hello',
      text: 'A reply\n',
      messageId: '<hello-1@example.com>',
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as \d+$/);
    const id = Number(/queued as (\d+)/.exec(info.response)![1]);
    const entry = postroom.spool.get(id)!;
    expect(entry.mailFrom).toBe('jake@example.com');
    expect(entry.recipients).toEqual([`incoming+${REPLY_KEY}@postroom.test`]);
    expect(entry.messageId).toBe('<hello-1@example.com>');
    expect(entry.clientAddress).toBe('127.0.0.1');
    expect(entry.tls).toBe(true);
    const raw = postroom.spool.raw(id)!.toString();
    expect(raw).toMatch(/^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby postroom\.test \(Postroom\) with ESMTPS id /);
    expect(raw).toContain(`for <incoming+${REPLY_KEY}@postroom.test>`);
    expect(raw).toContain('A reply');
  });

  it('refuses other domains with 550 5.7.1, whatever the client claims', async () => {
    const error = await sendError({ from: 'a@postroom.test', to: 'victim@example.org', text: 'x' });
    expect(error.responseCode).toBe(550);
    expect(error.response).toMatch(/^550 5\.7\.1 /);
  });

  it('refuses an address of our domain that fits no template with 550 5.1.1', async () => {
    const error = await sendError({ from: 'a@example.com', to: 'postmaster-nobody@postroom.test', text: 'x' });
    expect(error.response).toMatch(/^550 5\.1\.1 /);
  });

  it('refuses a key that fits no grammar with 550 5.1.1', async () => {
    const error = await sendError({ from: 'a@example.com', to: 'incoming+!!!@postroom.test', text: 'x' });
    expect(error.response).toMatch(/^550 5\.1\.1 /);
  });

  it('refuses a non-Service-Desk key on the Service Desk address', async () => {
    const error = await sendError({
      from: 'a@example.com',
      to: 'contact+59d8df8370b7e95c5a49fbf86aeb2c93@postroom.test',
      text: 'x',
    });
    expect(error.response).toMatch(/^550 5\.1\.1 /);
  });

  it('accepts every handler form, long keys included', async () => {
    const slug = 'a'.repeat(63);
    const keys = [
      `incoming+${REPLY_KEY}@postroom.test`,
      'incoming+59d8df8370b7e95c5a49fbf86aeb2c93@postroom.test',
      `incoming+${REPLY_KEY}-unsubscribe@postroom.test`,
      'incoming+group-project-12-glimt-abc-issue@postroom.test',
      'incoming+group-project-12-glimt-abc-issue-7@postroom.test',
      `incoming+${slug}-123-glimt-0123456789abcdefghijklmnop-merge-request@postroom.test`,
      'incoming+group-project-12-issue-@postroom.test',
      'incoming+group/project+auth_token@postroom.test',
      'contact+group-project-12-issue-@postroom.test',
      'contact+group-project-mykey@postroom.test',
      'incoming+group-project-12-issue-@POSTROOM.TEST',
    ];
    const { talk } = await greet(postroom.port);
    // Five at a time: the test config allows five recipients per message.
    for (let i = 0; i < keys.length; i += 5) {
      expect((await talk.command('MAIL FROM:<a@example.com>')).code).toBe(250);
      for (const to of keys.slice(i, i + 5)) expect((await talk.command(`RCPT TO:<${to}>`)).code, to).toBe(250);
      await talk.command('RSET');
    }
    talk.close();
  });

  it('answers 452 4.5.3 past the recipient limit and keeps the ones accepted', async () => {
    const { talk } = await greet(postroom.port);
    await talk.command('MAIL FROM:<a@example.com>');
    for (let i = 0; i < 5; i++) {
      expect((await talk.command(`RCPT TO:<incoming+group-project-${i}-issue-@postroom.test>`)).code).toBe(250);
    }
    const sixth = await talk.command('RCPT TO:<incoming+group-project-9-issue-@postroom.test>');
    expect(sixth.lines[0]).toMatch(/^452 4\.5\.3 /);
    expect((await talk.command('DATA')).code).toBe(354);
    talk.write('Subject: five\r\n\r\nbody\r\n.\r\n');
    const done = await talk.read();
    expect(done.code).toBe(250);
    const id = Number(/queued as (\d+)/.exec(done.text)![1]);
    expect(postroom.spool.get(id)!.recipients).toHaveLength(5);
    talk.close();
  });

  it('accepts the null sender (bounces must still reach us to be recognised)', async () => {
    const { talk } = await greet(postroom.port);
    expect((await talk.command('MAIL FROM:<>')).code).toBe(250);
    expect((await talk.command(`RCPT TO:<incoming+${REPLY_KEY}@postroom.test>`)).code).toBe(250);
    talk.close();
  });

  it('advertises SIZE and STARTTLS but not AUTH, and refuses AUTH', async () => {
    const { talk, ehlo } = await greet(postroom.port);
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines.some((l) => /^250[- ]SIZE 1048576$/.test(l))).toBe(true);
    expect(ehlo.lines.some((l) => /STARTTLS/.test(l))).toBe(true);
    expect(ehlo.lines.some((l) => /AUTH/.test(l))).toBe(false);
    const auth = await talk.command('AUTH PLAIN AGphY29iAHNlY3JldA==');
    expect(auth.code).toBeGreaterThanOrEqual(500);
    talk.close();
  });

  it('refuses MAIL FROM with a SIZE over the limit with 552 5.3.4', async () => {
    const { talk } = await greet(postroom.port);
    const reply = await talk.command('MAIL FROM:<a@example.com> SIZE=2000000');
    expect(reply.lines[0]).toMatch(/^552 5\.3\.4 /);
    talk.close();
  });

  it('refuses DATA over the limit with 552 5.3.4 and stores nothing', async () => {
    const count = () => postroom.spool.db.prepare('SELECT count(*) FROM messages').pluck().get();
    const before = count();
    const error = await sendError({
      from: 'a@example.com',
      to: `incoming+${REPLY_KEY}@postroom.test`,
      text: 'x'.repeat(1_200_000),
    });
    expect(error.response).toMatch(/^552 5\.3\.4 /);
    expect(count()).toBe(before);
  });

  it('answers 451 4.3.0 when the spool cannot commit, and 250 again once it can', async () => {
    const saboteur = new Database(postroom.config.store.path);
    saboteur.exec("CREATE TRIGGER broken BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const before = postroom.spool.db.prepare('SELECT count(*) FROM messages').pluck().get();
    try {
      const error = await sendError({ from: 'a@example.com', to: `incoming+${REPLY_KEY}@postroom.test`, text: 'x' });
      expect(error.responseCode).toBe(451);
      expect(error.response).toMatch(/^451 4\.3\.0 /);
      expect(postroom.spool.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(before);
    } finally {
      saboteur.exec('DROP TRIGGER broken');
      saboteur.close();
    }
    const info = await transport().sendMail({
      from: 'a@example.com',
      to: `incoming+${REPLY_KEY}@postroom.test`,
      text: 'x',
    });
    expect(info.response).toMatch(/^250 2\.0\.0 /);
  });

  it('refuses bare LF in DATA with 550 5.5.2', async () => {
    const { talk } = await greet(postroom.port);
    await talk.command('MAIL FROM:<a@example.com>');
    await talk.command(`RCPT TO:<incoming+${REPLY_KEY}@postroom.test>`);
    await talk.command('DATA');
    talk.write('Subject: bare\r\n\r\nline one\nline two\r\n.\r\n');
    expect((await talk.read()).lines[0]).toMatch(/^550 5\.5\.2 /);
    talk.close();
  });

  it('upgrades with STARTTLS using the configured certificate', async () => {
    const { talk } = await greet(postroom.port);
    expect((await talk.command('STARTTLS')).code).toBe(220);
    await talk.startTls('postroom.test');
    const ehlo = await talk.command('EHLO client.test');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines.some((l) => /STARTTLS/.test(l))).toBe(false);
    talk.close();
  });

  it('refuses HTTP spoken to the SMTP port', async () => {
    const { talk } = await greet(postroom.port);
    const reply = await talk.command('GET / HTTP/1.1');
    expect(reply.code).toBe(421);
    talk.close();
  });

  it('refuses a client that talks before the greeting', async () => {
    const { SmtpTalk } = await import('../helpers/smtpTalk.js');
    const talk = await SmtpTalk.connect(postroom.port);
    talk.write('EHLO early.test\r\n');
    const first = await talk.read();
    expect(first.code).toBe(421);
    talk.close();
  });
});
