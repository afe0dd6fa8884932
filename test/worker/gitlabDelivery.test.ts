import type { ServerResponse } from 'node:http';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { writeMailroomSecret, readMailroomSecret } from '../../src/gitlab/index.js';
import { Spool } from '../../src/spool/index.js';
import { answerLikeGitlab, json, startFakeGitlab, type Answer, type FakeGitlab } from '../helpers/fakeGitlab.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { freezeSpoolFiles } from '../helpers/spoolFailure.js';
import { waitFor } from '../helpers/waitFor.js';

const REPLY_TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';
let postroom: TestPostroom | undefined;
let gitlab: FakeGitlab | undefined;

afterEach(async () => {
  await postroom?.cleanup();
  await gitlab?.close();
  postroom = undefined;
  gitlab = undefined;
});

function gitlabConfig(url: string, secretFile: string, storePath: string, extra = ''): string {
  return `
host: postroom.test
sink: gitlab
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
  gitlab_url: "${url}"
  secret_file: "${secretFile}"
service_desk_email:
  enabled: true
  address: "contact+%{key}@postroom.test"
smtp:
  listen: 127.0.0.1:0
  hostname: postroom.test
store:
  path: ${storePath}
worker:
  retry_base: 50ms
  retry_max: 200ms
  max_attempts: 3
${extra}
log:
  level: silent
`;
}

/** Starts Postroom delivering to a fake GitLab that answers with `answer` (given the real secret). */
async function start(
  answer: (secret: Buffer) => Answer,
  extra = '',
): Promise<{ postroom: TestPostroom; gitlab: FakeGitlab }> {
  let secret: Buffer = Buffer.alloc(0);
  gitlab = await startFakeGitlab((request, response) => answer(secret)(request, response));
  const fake = gitlab;
  postroom = await startTestPostroom('', (dir) => {
    const secretFile = path.join(dir, '.gitlab_mailroom_secret');
    writeMailroomSecret(secretFile);
    secret = readMailroomSecret(secretFile);
    return gitlabConfig(fake.url, secretFile, path.join(dir, 'spool.db'), extra);
  });
  return { postroom, gitlab: fake };
}

async function send(to: string, messageId: string): Promise<number> {
  const info = await nodemailer
    .createTransport({ host: '127.0.0.1', port: postroom!.port, tls: { rejectUnauthorized: false } })
    .sendMail({ from: 'jake@example.com', to, subject: 'hi', text: 'reply\n', messageId });
  return Number(/queued as (\d+)/.exec(info.response)![1]);
}

const stateOf = (id: number) => postroom!.spool.get(id)!.state;

describe('worker with the GitLab sink', () => {
  it('posts each message to its mailbox endpoint and marks it done on 2xx', async () => {
    const { gitlab } = await start(answerLikeGitlab);
    const reply = await send(REPLY_TO, '<r1@example.com>');
    const desk = await send('contact+group-project-5-issue-@postroom.test', '<d1@example.com>');
    await waitFor(() => stateOf(reply) === 'done' && stateOf(desk) === 'done', 5000, 'both delivered');
    expect(gitlab.requests.map((r) => r.path).sort()).toEqual([
      '/api/v4/internal/mail_room/incoming_email',
      '/api/v4/internal/mail_room/service_desk_email',
    ]);
    const posted = gitlab.requests.find((r) => r.path.endsWith('incoming_email'))!;
    expect(posted.body.equals(postroom!.spool.raw(reply)!)).toBe(true);
    expect(postroom!.spool.get(reply)!.outcome).toEqual({ state: 'done', detail: { status: 200 } });
  });

  it('retries 5xx with backoff and records every attempt in the trace', async () => {
    let calls = 0;
    await start(
      (secret) => (request, response) =>
        ++calls <= 2 ? json(response, 502, { message: 'bad gateway' }) : answerLikeGitlab(secret)(request, response),
    );
    const id = await send(REPLY_TO, '<r2@example.com>');
    await waitFor(() => stateOf(id) === 'done', 5000, 'delivered after retries');
    const kinds = postroom!.spool.events(id).map((e) => `${e.attempt}:${e.kind}`);
    expect(kinds).toEqual(['1:claimed', '1:retry', '2:claimed', '2:retry', '3:claimed', '3:done']);
    expect(postroom!.spool.get(id)!.attempts).toBe(3);
  });

  it("dead-letters a refused message with GitLab's reason, and replays it", async () => {
    let refuse = true;
    await start(
      (secret) => (request, response) =>
        refuse
          ? json(response, 400, { success: false, message: 'Email too large' })
          : answerLikeGitlab(secret)(request, response),
    );
    const id = await send(REPLY_TO, '<r3@example.com>');
    await waitFor(() => stateOf(id) === 'dead', 5000, 'dead letter');
    expect(postroom!.spool.get(id)!.lastError).toMatch(/Email too large/);
    refuse = false;
    expect(postroom!.spool.queue.requeue(postroom!.spool.deliveriesOf(id)[0].id, Date.now(), 'operator replay')).toBe(
      true,
    );
    postroom!.worker!.wake();
    await waitFor(() => stateOf(id) === 'done', 5000, 'replayed');
    expect(postroom!.spool.events(id).map((e) => e.kind)).toEqual(['claimed', 'dead', 'replay', 'claimed', 'done']);
  });

  it('posts a mail for two of our addresses once per recipient, each naming its recipient in Delivered-To', async () => {
    const { gitlab } = await start(answerLikeGitlab);
    const desk = 'contact+group-project-5-issue-@postroom.test';
    const id = await send(`${REPLY_TO}, ${desk}`, '<two@example.com>');
    await waitFor(() => stateOf(id) === 'done', 5000, 'both delivered');
    const raw = postroom!.spool.raw(id)!;
    const posted = (type: string) => gitlab.requests.filter((r) => r.path.endsWith(type));
    expect(posted('incoming_email')).toHaveLength(1);
    expect(posted('service_desk_email')).toHaveLength(1);
    expect(
      posted('incoming_email')[0].body.equals(Buffer.concat([Buffer.from(`Delivered-To: ${REPLY_TO}\r\n`), raw])),
    ).toBe(true);
    expect(
      posted('service_desk_email')[0].body.equals(Buffer.concat([Buffer.from(`Delivered-To: ${desk}\r\n`), raw])),
    ).toBe(true);
    expect(postroom!.spool.deliveriesOf(id).map((d) => [d.recipient, d.state])).toEqual([
      [REPLY_TO, 'done'],
      [desk, 'done'],
    ]);
  });

  it('gives a replayed dead letter a fresh budget of attempts, and says so in the trace', async () => {
    let failures = 3;
    await start(
      (secret) => (request, response) =>
        failures-- > 0 ? json(response, 502, { message: 'bad gateway' }) : answerLikeGitlab(secret)(request, response),
    );
    const id = await send(REPLY_TO, '<budget@example.com>');
    await waitFor(() => stateOf(id) === 'dead', 5000, 'dead after three attempts');
    // GitLab is back but fails once more: one failure must not end the replayed delivery.
    failures = 1;
    const [delivery] = postroom!.spool.deliveriesOf(id);
    expect(postroom!.spool.queue.requeue(delivery.id, Date.now(), 'operator replay')).toBe(true);
    postroom!.worker!.wake();
    await waitFor(() => stateOf(id) === 'done', 5000, 'replayed and delivered');
    const events = postroom!.spool.events(id);
    const replay = events.findIndex((e) => e.kind === 'replay');
    expect(events[replay].detail).toMatchObject({ previousAttempts: 3, budget: expect.stringMatching(/^fresh/) });
    expect(events.slice(replay).map((e) => `${e.attempt}:${e.kind}`)).toEqual([
      '0:replay',
      '1:claimed',
      '1:retry',
      '2:claimed',
      '2:done',
    ]);
  });

  it('keeps retrying a refused secret (401) until the attempts run out, never dropping the message', async () => {
    const { gitlab } = await start(() => answerLikeGitlab(Buffer.alloc(32, 7)));
    const id = await send(REPLY_TO, '<r4@example.com>');
    await waitFor(() => stateOf(id) === 'dead', 5000, 'dead after attempts');
    expect(gitlab.requests).toHaveLength(3);
    expect(postroom!.spool.get(id)!.lastError).toMatch(/^gave up after 3 attempts: .*secret/i);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'routes every accepted message once the disk is back, when it broke while GitLab was answering',
    async () => {
      const held: ServerResponse[] = [];
      const { gitlab } = await start(() => (_request, response) => held.push(response));
      const ids = await Promise.all([1, 2].map((n) => send(REPLY_TO, `<disk-${n}@example.com>`)));
      await waitFor(() => held.length === 2, 5000, 'both posted');
      let heal = freezeSpoolFiles(postroom!.config.store.path);
      try {
        expect(heal).toBeDefined();
        await expect(send(REPLY_TO, '<during@example.com>')).rejects.toMatchObject({ responseCode: 451 });
        // GitLab takes both while the disk is broken: the worker cannot write that down.
        for (const response of held.splice(0)) json(response, 200, { success: true });
        await waitFor(() => gitlab.requests.length === 2 && held.length === 0, 5000, 'answered');
        await new Promise((resolve) => setTimeout(resolve, 500));
        heal!();
        heal = undefined;
      } finally {
        heal?.();
      }
      // The attempts whose outcome was lost are tried again (mail_room would post again too).
      await waitFor(() => held.length === 2, 10_000, 'posted again once the disk is back');
      for (const response of held.splice(0)) json(response, 200, { success: true });
      await waitFor(() => ids.every((id) => stateOf(id) === 'done'), 10_000, 'the backlog drained');
      expect(postroom!.worker!.restarts()).toBe(0);
      for (const id of ids) expect(postroom!.spool.events(id).map((e) => e.kind)).toContain('unrecorded');
    },
    30_000,
  );

  it('resumes a message a stopped process left half-processed', async () => {
    const { gitlab } = await start(() => (_request, response) => json(response, 503, { message: 'down' }));
    const id = await send(REPLY_TO, '<r5@example.com>');
    await waitFor(() => gitlab.requests.length >= 1, 5000, 'first attempt');
    const storePath = postroom!.config.store.path;
    const config = postroom!.config;
    await postroom!.stop();
    // Simulate a crash between claim and outcome: the row is left 'processing'.
    const spool = Spool.open(storePath);
    spool.db.prepare(`UPDATE deliveries SET state = 'processing' WHERE message = ?`).run(id);
    await spool.close();
    gitlab.requests.length = 0;
    const { startPostroom } = await import('../../src/wiring/postroom.js');
    const { pino } = await import('pino');
    const again = await startPostroom(config, pino({ level: 'silent' }), {
      certDir: path.join(postroom!.dir, 'certs'),
    });
    try {
      await waitFor(() => again.spool.events(id).some((e) => e.kind === 'interrupted'), 5000, 'recovered');
      await waitFor(() => gitlab.requests.length >= 1, 5000, 'tried again after restart');
    } finally {
      await again.stop();
    }
  });
});
