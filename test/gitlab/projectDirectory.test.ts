import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { gitlabKeyDirectory } from '../../src/gitlab/index.js';
import { configRecipientPolicy } from '../../src/smtp/configRecipientPolicy.js';

const TOKEN = 'glpat-test-token';
let server: http.Server;
let url: string;
const requests: string[] = [];
let slow = false;

beforeAll(async () => {
  // A stand-in for GitLab's REST projects API: project 12 is treehouse/adventure.
  server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.headers['private-token'] !== TOKEN)
      return void response.writeHead(401).end('{"message":"401 Unauthorized"}');
    if (slow) return; // never answers
    if (request.url === '/api/v4/projects/12' || request.url === '/api/v4/projects/treehouse%2Fadventure') {
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: 12, path_with_namespace: 'treehouse/adventure' }));
    } else if (request.url === '/api/v4/projects/13') {
      response.writeHead(500).end('{"message":"500 Internal Server Error"}');
    } else {
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"404 Project Not Found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function policy() {
  const config = parseConfigText(
    'incoming_email: { enabled: true, address: "incoming+%{key}@gitlab.test" }\nsink: gitlab\n',
    'test.yml',
    {},
  );
  return configRecipientPolicy(
    config,
    gitlabKeyDirectory({ gitlabUrl: url, apiToken: TOKEN, timeoutMs: 300, cacheTtlMs: 60_000 }),
  );
}

describe("RCPT TO against GitLab's projects API (local stand-in)", () => {
  it('accepts a project key whose project exists with that slug, and asks only once', async () => {
    const check = policy();
    requests.length = 0;
    expect(await check.check('incoming+treehouse-adventure-12-glimt-abc-issue@gitlab.test')).toEqual({
      kind: 'accept',
    });
    expect(await check.check('incoming+treehouse-adventure-12-glimt-def-merge-request@gitlab.test')).toEqual({
      kind: 'accept',
    });
    expect(requests).toEqual(['/api/v4/projects/12']);
  });

  it('refuses an unknown project or a slug that does not match with 550 5.1.1', async () => {
    const check = policy();
    expect(await check.check('incoming+treehouse-adventure-99-glimt-abc-issue@gitlab.test')).toMatchObject({
      code: 550,
      status: '5.1.1',
    });
    expect(await check.check('incoming+somewhere-else-12-glimt-abc-issue@gitlab.test')).toMatchObject({
      code: 550,
      status: '5.1.1',
    });
    expect(await check.check('incoming+treehouse/adventure+glimt-abc@gitlab.test')).toEqual({ kind: 'accept' });
  });

  it('accepts reply keys by their grammar: GitLab has no API to ask', async () => {
    expect(await policy().check('incoming+b7-0123456789abcdefghijklmno@gitlab.test')).toEqual({ kind: 'accept' });
  });

  it('answers 451 4.3.0 when GitLab fails or is too slow, never a wrong 550', async () => {
    const check = policy();
    expect(await check.check('incoming+treehouse-adventure-13-glimt-abc-issue@gitlab.test')).toMatchObject({
      code: 451,
      status: '4.3.0',
    });
    slow = true;
    try {
      expect(await check.check('incoming+treehouse-adventure-14-glimt-abc-issue@gitlab.test')).toMatchObject({
        code: 451,
        status: '4.3.0',
      });
    } finally {
      slow = false;
    }
  });
});
