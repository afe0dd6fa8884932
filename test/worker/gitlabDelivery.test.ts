import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { readMailroomSecret } from '../../src/gitlab/index.js';
import { writeMailroomSecret } from '../helpers/mailroomSecret.js';
import { Spool } from '../../src/spool/index.js';
import { answerLikeGitlab, json, startFakeGitlab, type Answer, type FakeGitlab } from '../helpers/fakeGitlab.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
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
    const kinds = postroom!.spool.queue.events(id).map((e) => `${e.attempt}:${e.kind}`);
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
    expect(postroom!.spool.queue.requeue(id, Date.now(), 'operator replay')).toBe(true);
    postroom!.worker!.wake();
    await waitFor(() => stateOf(id) === 'done', 5000, 'replayed');
    expect(postroom!.spool.queue.events(id).map((e) => e.kind)).toEqual([
      'claimed',
      'dead',
      'replay',
      'claimed',
      'done',
    ]);
  });

  it('keeps retrying a refused secret (401) until the attempts run out, never dropping the message', async () => {
    const { gitlab } = await start(() => answerLikeGitlab(Buffer.alloc(32, 7)));
    const id = await send(REPLY_TO, '<r4@example.com>');
    await waitFor(() => stateOf(id) === 'dead', 5000, 'dead after attempts');
    expect(gitlab.requests).toHaveLength(3);
    expect(postroom!.spool.get(id)!.lastError).toMatch(/^gave up after 3 attempts: .*secret/i);
  });

  it('resumes a message a stopped process left half-processed', async () => {
    const { gitlab } = await start(() => (_request, response) => json(response, 503, { message: 'down' }));
    const id = await send(REPLY_TO, '<r5@example.com>');
    await waitFor(() => gitlab.requests.length >= 1, 5000, 'first attempt');
    const storePath = postroom!.config.store.path;
    const config = postroom!.config;
    await postroom!.stop();
    // Simulate a crash between claim and outcome: the row is left 'processing'.
    const spool = Spool.open(storePath);
    spool.db.prepare(`UPDATE messages SET state = 'processing' WHERE id = ?`).run(id);
    await spool.close();
    gitlab.requests.length = 0;
    const { startPostroom } = await import('../../src/wiring/postroom.js');
    const { pino } = await import('pino');
    const again = await startPostroom(config, pino({ level: 'silent' }), {
      certDir: path.join(postroom!.dir, 'certs'),
    });
    try {
      await waitFor(() => again.spool.queue.events(id).some((e) => e.kind === 'interrupted'), 5000, 'recovered');
      await waitFor(() => gitlab.requests.length >= 1, 5000, 'tried again after restart');
    } finally {
      await again.stop();
    }
  });
});
