import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabPostback, mailroomEndpoint, type MailroomMailboxType } from '../../src/gitlab/index.js';
import { answerLikeGitlab, json, startFakeGitlab, type Answer, type FakeGitlab } from '../helpers/fakeGitlab.js';
import { verifyMailroomJwt } from '../helpers/mailroomJwt.js';

const SECRET = randomBytes(32);
// CRLF line ends and a byte that is not UTF-8: the body must arrive exactly as stored.
const RAW = Buffer.concat([
  Buffer.from('From: a@example.com\r\nTo: incoming+key@example.com\r\nSubject: hi\r\n\r\nbody \r\n'),
  Buffer.from([0xff, 0x0d, 0x0a]),
]);

let gitlab: FakeGitlab | undefined;
afterEach(async () => {
  await gitlab?.close();
  gitlab = undefined;
});

async function postTo(
  answer: Answer,
  options: { mailboxType?: MailroomMailboxType; timeoutMs?: number; secret?: Buffer; root?: string } = {},
) {
  gitlab = await startFakeGitlab(answer);
  const postback = createGitlabPostback({
    gitlabUrl: `${gitlab.url}${options.root ?? ''}`,
    mailboxType: options.mailboxType ?? 'incoming_email',
    secret: options.secret ?? SECRET,
    timeoutMs: options.timeoutMs,
  });
  return { postback, result: await postback.deliver(RAW), requests: gitlab.requests };
}

describe('GitLab postback', () => {
  it('posts the raw message with a JWT GitLab accepts, a fresh nonce each time', async () => {
    const { postback, result, requests } = await postTo(answerLikeGitlab(SECRET));
    expect(result).toEqual({ kind: 'delivered', status: 200 });
    expect(await postback.deliver(RAW)).toEqual({ kind: 'delivered', status: 200 });

    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first.method).toBe('POST');
    expect(first.path).toBe('/api/v4/internal/mail_room/incoming_email');
    expect(first.headers['content-type']).toBe('text/plain');
    expect(first.body.equals(RAW)).toBe(true);
    const verdicts = requests.map((request) =>
      verifyMailroomJwt(request.headers['gitlab-mailroom-api-request'] as string, SECRET),
    );
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true]);
    const nonces = verdicts.map((verdict) => (verdict.ok ? verdict.payload.nonce : undefined));
    expect(nonces[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(nonces[1]).not.toBe(nonces[0]);
    expect(second.headers['gitlab-mailroom-api-request']).not.toBe(first.headers['gitlab-mailroom-api-request']);
  });

  it('keeps a relative URL root and posts Service Desk mail to its own endpoint', async () => {
    const { result, requests } = await postTo(answerLikeGitlab(SECRET), {
      mailboxType: 'service_desk_email',
      root: '/gitlab/',
    });
    expect(result.kind).toBe('delivered');
    expect(requests[0].path).toBe('/gitlab/api/v4/internal/mail_room/service_desk_email');
  });

  it('retries loudly when GitLab refuses the secret, so a rotated secret loses no mail', async () => {
    const { result } = await postTo(answerLikeGitlab(SECRET), { secret: randomBytes(32) });
    expect(result).toMatchObject({ kind: 'retry', status: 401, loud: true });
    expect(result.kind === 'retry' && result.reason).toMatch(/refused the mail_room secret/);
  });

  it('retries quietly on a server error', async () => {
    const { result } = await postTo((_request, response) =>
      json(response, 500, { message: '500 Internal Server Error' }),
    );
    expect(result).toEqual({
      kind: 'retry',
      status: 500,
      reason: 'GitLab answered 500 Internal Server Error: 500 Internal Server Error',
    });
  });

  it('retries on 429, which is about timing, not the message', async () => {
    const { result } = await postTo((_request, response) => json(response, 429, { message: 'slow down' }));
    expect(result).toMatchObject({ kind: 'retry', status: 429 });
  });

  it("gives up on a 400 with GitLab's own reason", async () => {
    const reason = 'The message is too large: 30 MB exceeds the limit of 20 MB';
    const { result } = await postTo((_request, response) => json(response, 400, { success: false, message: reason }));
    expect(result).toEqual({ kind: 'dead', status: 400, reason });
  });

  it('gives up on a 404 HTML page without pasting the HTML into the reason', async () => {
    const { result } = await postTo((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/html' });
      response.end('<html><body>The page could not be found</body></html>');
    });
    expect(result).toEqual({ kind: 'dead', status: 404, reason: 'GitLab answered 404 Not Found' });
  });

  it('does not follow a redirect (it would turn the POST into a GET) and says where it pointed', async () => {
    const { result, requests } = await postTo((_request, response) => {
      response.writeHead(301, { Location: 'https://gitlab.example.com/api/v4/internal/mail_room/incoming_email' });
      response.end();
    });
    expect(requests).toHaveLength(1);
    expect(result).toMatchObject({ kind: 'retry', status: 301, loud: true });
    expect(result.kind === 'retry' && result.reason).toMatch(/redirecting to https:\/\/gitlab\.example\.com/);
  });

  it('retries after the timeout when GitLab never answers', async () => {
    const started = Date.now();
    const { result } = await postTo(() => undefined, { timeoutMs: 300 });
    expect(result).toEqual({ kind: 'retry', reason: expect.stringMatching(/did not answer within 300 ms/) });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('retries when the connection is reset mid-request', async () => {
    const { result } = await postTo((_request, response) => response.socket?.destroy());
    expect(result).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/could not reach GitLab/) });
  });

  it('retries when nothing listens on the port', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const postback = createGitlabPostback({
      gitlabUrl: `http://127.0.0.1:${port}`,
      mailboxType: 'incoming_email',
      secret: SECRET,
    });
    expect(await postback.deliver(RAW)).toEqual({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('retries when the host name does not resolve', async () => {
    const postback = createGitlabPostback({
      gitlabUrl: 'http://gitlab.postroom.invalid',
      mailboxType: 'incoming_email',
      secret: SECRET,
      timeoutMs: 10_000,
    });
    expect(await postback.deliver(RAW)).toEqual({
      kind: 'retry',
      reason: expect.stringMatching(/could not reach GitLab at http:\/\/gitlab\.postroom\.invalid/),
    });
  });
});

describe('mailroomEndpoint', () => {
  it('appends the API path once, whatever the trailing slashes', () => {
    expect(mailroomEndpoint('https://gitlab.example.com', 'incoming_email')).toBe(
      'https://gitlab.example.com/api/v4/internal/mail_room/incoming_email',
    );
    expect(mailroomEndpoint('https://gitlab.example.com//', 'incoming_email')).toBe(
      'https://gitlab.example.com/api/v4/internal/mail_room/incoming_email',
    );
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => mailroomEndpoint('gitlab.example.com', 'incoming_email')).toThrow(
      /gitlab_url must be an http or https URL/,
    );
    expect(() => mailroomEndpoint('ftp://gitlab.example.com', 'incoming_email')).toThrow(
      /gitlab_url must be an http or https URL/,
    );
  });
});
