import net from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { readMailroomSecret } from '../../src/gitlab/index.js';
import { writeMailroomSecret } from '../helpers/mailroomSecret.js';
import { answerLikeGitlab, startFakeGitlab, type FakeGitlab } from '../helpers/fakeGitlab.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const CONCURRENCY = 2;
const INCOMING = 6;

/** A GitLab that takes every connection and request and never says a word. */
async function startHungGitlab(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (bytes) => {
      requests += bytes.toString('latin1').match(/^POST /gm)?.length ?? 0;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let postroom: TestPostroom | undefined;
let desk: FakeGitlab | undefined;
let hung: Awaited<ReturnType<typeof startHungGitlab>> | undefined;
afterEach(async () => {
  await postroom?.cleanup();
  await desk?.close();
  await hung?.close();
  postroom = desk = hung = undefined;
});

describe('a GitLab that accepts and never answers', () => {
  it('holds at most one worker once it has let a postback time out, and the other mailbox keeps flowing', async () => {
    hung = await startHungGitlab();
    let secret: Buffer = Buffer.alloc(0);
    desk = await startFakeGitlab((request, response) => answerLikeGitlab(secret)(request, response));
    const [hungUrl, deskUrl] = [hung.url, desk.url];
    postroom = await startTestPostroom('', (dir) => {
      const secretFile = path.join(dir, '.gitlab_mailroom_secret');
      writeMailroomSecret(secretFile);
      secret = readMailroomSecret(secretFile);
      return `
sink: gitlab
host: postroom.test
service_desk_email: { enabled: true, address: "contact+%{key}@postroom.test", gitlab_url: "${deskUrl}" }
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test", gitlab_url: "${hungUrl}", secret_file: "${secretFile}" }
smtp:
  listen: 127.0.0.1:0
  hostname: postroom.test
  verify_keys: false
gitlab:
  postback_timeout: 1s
store:
  path: ${path.join(dir, 'spool.db')}
worker:
  concurrency: ${CONCURRENCY}
  retry_base: 1h
  retry_max: 2h
log:
  level: silent
`;
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: postroom.port,
      tls: { rejectUnauthorized: false },
    });
    const send = async (to: string) =>
      Number(
        /queued as (\d+)/.exec((await transport.sendMail({ from: 'a@example.com', to, text: 'hi\n' })).response)![1],
      );
    const incoming: number[] = [];
    for (let i = 0; i < INCOMING; i++) incoming.push(await send('incoming+b7-0123456789abcdefghijklmno@postroom.test'));
    const serviceDesk = await send('contact+group-project-5-issue-@postroom.test');

    const state = (id: number) => postroom!.spool.get(id)!.state;
    await waitFor(() => state(serviceDesk) === 'done', 30_000, 'the Service Desk message reaches its GitLab');
    await waitFor(() => incoming.every((id) => state(id) === 'retry'), 30_000, 'every hung postback back in the queue');
    expect(postroom.spool.get(incoming[INCOMING - 1])!.lastError).toMatch(/did not answer/);
    // The first batch waits out the timeout; after that one probe at a time, not one per message.
    expect(hung.requests()).toBeLessThanOrEqual(CONCURRENCY + 1);
  }, 60_000);
});
