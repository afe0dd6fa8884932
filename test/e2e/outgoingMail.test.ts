import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import type { OutgoingMail } from '../../src/outgoing/index.js';
import { openTracker } from '../../src/tracker/index.js';
import { fixture, HOST, must, rewrite, startConformance, type Conformance } from '../conformance/harness.js';
import { startTestPostroom, testConfigText } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const run = promisify(execFile);
let c: Conformance;
let project: Project;
let configFile: string;

async function traceJson(id: number): Promise<{ id: number; outgoing: OutgoingMail[] }[]> {
  const { stdout } = await run(process.execPath, [
    'dist/src/cli/main.js',
    'trace',
    String(id),
    '--json',
    '--config',
    configFile,
  ]);
  return JSON.parse(stdout) as { id: number; outgoing: OutgoingMail[] }[];
}

beforeAll(async () => {
  c = await startConformance();
  const jake = must(
    c.tracker.createUser({
      username: 'jake',
      name: 'Jake',
      email: 'jake@adventuretime.ooo',
      incomingEmailToken: 'auth_token',
    }),
  );
  const finn = must(c.tracker.createUser({ username: 'finn', name: 'Finn', email: 'finn@adventuretime.ooo' }));
  project = must(await c.tracker.createProject({ fullPath: 'gitlabhq/gitlabhq', visibility: 'public' }));
  c.tracker.addMember(project, jake, 'developer');
  c.tracker.addMember(project, finn, 'developer');
  // The CLI reads the same spool and tracker files as the running Postroom.
  configFile = path.join(c.postroom.dir, 'cli.yml');
  writeFileSync(configFile, testConfigText(c.postroom.dir));
});
afterAll(async () => {
  await c?.stop();
});

describe('every outgoing mail appears in the trace of the message that caused it', () => {
  it('a rejected message: its notice, sent, with the relay’s answer', async () => {
    const delivered = await c.send(
      rewrite(fixture('valid_new_issue.eml'), { projectId: 2147483647 }),
      `incoming+gitlabhq-gitlabhq-2147483647-auth_token-issue@${HOST}`,
    );
    expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'ProjectNotFound' });
    expect(delivered.notice).toBeDefined();
    await waitFor(async () => (await traceJson(delivered.id))[0].outgoing[0]?.state === 'sent', 5000, 'notice sent');
    const [traced] = await traceJson(delivered.id);
    expect(traced.outgoing).toEqual([
      expect.objectContaining({
        kind: 'rejection_notice',
        state: 'sent',
        spoolId: delivered.id,
        recipients: ['jake@adventuretime.ooo'],
        attempts: 1,
        messageId: delivered.notice!.header('Message-ID'),
        response: expect.stringMatching(/^250 /),
      }),
    ]);
    const { stdout } = await run(process.execPath, [
      'dist/src/cli/main.js',
      'trace',
      String(delivered.id),
      '--config',
      configFile,
    ]);
    expect(stdout).toMatch(
      /outgoing mail:\n +#\d+ rejection_notice <[^>]+> to jake@adventuretime\.ooo: sent after 1 attempt\(s\): 250 /,
    );
  });

  it('a new issue by email: the notification to the other member, about that issue', async () => {
    const delivered = await c.send(
      rewrite(fixture('valid_new_issue.eml'), { projectId: project.id }),
      `incoming+gitlabhq-gitlabhq-${project.id}-auth_token-issue@${HOST}`,
    );
    expect(delivered.entry.outcome?.state).toBe('done');
    const issue = c.tracker.issues(project)[0];
    await waitFor(async () => (await traceJson(delivered.id))[0].outgoing[0]?.state === 'sent', 5000, 'mail sent');
    const [traced] = await traceJson(delivered.id);
    expect(traced.outgoing).toEqual([
      expect.objectContaining({
        kind: 'notification',
        recipients: ['finn@adventuretime.ooo'],
        entity: { type: 'Issue', id: issue.id },
        state: 'sent',
      }),
    ]);
  });
});

describe('with outgoing mail off', () => {
  it('a Service Desk ticket is opened, and neither thanked nor recorded as thanked', async () => {
    const postroom = await startTestPostroom();
    const tracker = openTracker(postroom.config.tracker.path);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: postroom.port, ignoreTLS: true });
    try {
      const desk = must(await tracker.createProject({ fullPath: 'email/test', visibility: 'public' }));
      must(tracker.configureServiceDesk(desk, { enabled: true }));
      const raw = fixture('service_desk.eml').replace(/email-test-project_id/g, `${desk.slug}-${desk.id}`);
      const info = await transport.sendMail({
        envelope: { from: 'jake@adventuretime.ooo', to: [`incoming+${desk.slug}-${desk.id}-issue-@postroom.test`] },
        raw: raw.replace(/\r?\n/g, '\r\n'),
      });
      const id = Number(/queued as (\d+)/.exec(info.response)?.[1]);
      await waitFor(() => postroom.spool.get(id)?.state === 'done', 10_000, 'the ticket made');
      const [ticket] = tracker.issues(desk);
      expect(ticket.externalAuthor).toBe('jake@adventuretime.ooo');
      const flags = tracker.db.prepare('SELECT thank_you_sent FROM issues WHERE id = ?').get(ticket.id);
      expect(flags).toEqual({ thank_you_sent: 0 });
      expect(tracker.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    } finally {
      transport.close();
      tracker.close();
      await postroom.cleanup();
    }
  });
});
