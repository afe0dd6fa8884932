import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyMailroomJwt } from './mailroomJwt.js';

export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Answer = (request: ReceivedPost, response: ServerResponse) => void;

export interface FakeGitlab {
  url: string;
  requests: ReceivedPost[];
  close(): Promise<void>;
}

/** A loopback HTTP server standing in for GitLab's internal mail_room API; `answer` decides the reply (or none). */
export async function startFakeGitlab(answer: Answer): Promise<FakeGitlab> {
  const requests: ReceivedPost[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(received);
      answer(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers as GitLab does: 401 for a token its secret does not verify, else 200 {"success":true}. */
export function answerLikeGitlab(secret: Buffer): Answer {
  return (request, response) => {
    const token = request.headers['gitlab-mailroom-api-request'];
    const verdict = typeof token === 'string' ? verifyMailroomJwt(token, secret) : { ok: false };
    if (!verdict.ok) return json(response, 401, { message: '401 Unauthorized' });
    json(response, 200, { success: true });
  };
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
