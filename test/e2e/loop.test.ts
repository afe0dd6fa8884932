import path from 'node:path';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { startPostroom, type RunningPostroom } from '../../src/wiring/postroom.js';
import { issueAsNoteable, openTracker, type Tracker } from '../../src/tracker/index.js';
import { startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { tempDir } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const TOKEN = 'e2e-api-token-0123456789';
let running: RunningPostroom | undefined;
let relay: CaptureRelay | undefined;
let tracker: Tracker | undefined;
let cleanup: (() => void) | undefined;

afterEach(async () => {
  await running?.stop();
  tracker?.close();
  await relay?.close();
  cleanup?.();
  running = relay = tracker = cleanup = undefined;
});

/** Postroom with its outgoing relay pointed at a capture relay, and a world in its tracker. */
async function start(incomingAddress: string) {
  const made = tempDir();
  cleanup = made.cleanup;
  relay = await startCaptureRelay();
  const config = parseConfigText(
    `host: postroom.test
incoming_email: { enabled: true, address: "${incomingAddress}" }
service_desk_email: { enabled: true, address: "contact+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test }
store: { path: ${path.join(made.dir, 'spool.db')} }
tracker: { path: ${path.join(made.dir, 'tracker.db')} }
outgoing: { host: 127.0.0.1, port: ${relay.port}, start_tls: never, from: { address: gitlab@postroom.test } }
http: { enabled: true, listen: "127.0.0.1:0", token: ${TOKEN} }
log: { level: silent }
`,
    'e2e.yml',
    {},
  );
  tracker = openTracker(config.tracker.path, { repositoriesDir: path.join(made.dir, 'repositories') });
  const jake = unwrap(tracker.createUser({ username: 'jake', email: 'jake@example.com', name: 'Jake' }));
  const finn = unwrap(tracker.createUser({ username: 'finn', email: 'finn@example.com', name: 'Finn' }));
  const project = unwrap(await tracker.createProject({ fullPath: 'treehouse/adventure' }));
  tracker.addMember(project, jake, 'developer');
  tracker.addMember(project, finn, 'developer');
  running = await startPostroom(config, pino({ level: 'silent' }), { certDir: path.join(made.dir, 'certs') });
  return { config, jake, finn, project, token: tracker.incomingEmailToken(jake)! };
}

function unwrap<T>(saved: { saved: true; record: T } | { saved: false; errors: string[] }): T {
  if (!saved.saved) throw new Error(saved.errors.join(', '));
  return saved.record;
}

function smtp() {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: running!.smtp!.port,
    tls: { rejectUnauthorized: false },
  });
}

describe('the whole loop over real SMTP, with the embedded tracker', () => {
  it('new issue by mail → notification to the other member → reply by mail → note', async () => {
    const { jake, finn, project, token } = await start('incoming+%{key}@postroom.test');
    await smtp().sendMail({
      from: 'Jake <jake@example.com>',
      to: `incoming+treehouse-adventure-${project.id}-${token}-issue@postroom.test`,
      subject: 'The ice king stole the princess',
      text: 'We need to get her back before sunset.\n',
      messageId: '<new-issue-1@example.com>',
    });
    const [notification] = await relay!.waitForMessages(1, 10_000);
    const issue = issueAsNoteable(tracker!.issues(project)[0]);
    const record = tracker!.issues(project)[0];
    expect(record).toMatchObject({ title: 'The ice king stole the princess', authorId: jake.id });
    expect(record.description).toContain('We need to get her back before sunset.');

    // The notification goes to Finn, not to Jake who opened it, with GitLab's threading headers.
    expect(notification.envelope.to).toEqual(['finn@example.com']);
    const replyTo = notification.header('reply-to')!;
    const key = notification.header('x-gitlab-reply-key')!;
    expect(replyTo).toContain(`incoming+${key}@postroom.test`);
    const references = notification.header('references')!;
    expect(references.split(/\s+/)[0]).toBe(`<reply-${key}@postroom.test>`);
    expect(notification.header('auto-submitted')).toBe('auto-generated');
    expect(notification.header('list-unsubscribe')).toContain(`mailto:incoming+${key}-unsubscribe@postroom.test`);

    await smtp().sendMail({
      from: 'Finn <finn@example.com>',
      to: `incoming+${key}@postroom.test`,
      subject: `Re: ${notification.header('subject')}`,
      inReplyTo: notification.header('message-id'),
      references,
      text: 'On it. Bringing the sword.\n\nOn Tue, Jake wrote:\n> We need to get her back before sunset.\n',
    });
    await waitFor(
      () => running!.spool.get(2)?.state !== 'queued' && running!.spool.get(2)?.state !== 'processing',
      10_000,
      'the reply was routed',
    );
    expect(running!.spool.get(2)).toMatchObject({ state: 'done', handler: 'CreateNoteHandler', keySource: 'envelope' });
    await waitFor(() => tracker!.notes(issue).length === 1, 10_000, 'the reply became a note');
    const [note] = tracker!.notes(issue);
    expect(note.authorId).toBe(finn.id);
    expect(note.body).toMatch(/^On it\. Bringing the sword\./);
    // A reply on an issue keeps the quoted part, folded away, as GitLab does.
    expect(note.body).toContain('<details><summary>...</summary>');
  });

  it('the same mail delivered twice (a client that re-sent after a timeout) has one effect', async () => {
    const { project, token } = await start('incoming+%{key}@postroom.test');
    const mail = {
      from: 'jake@example.com',
      to: `incoming+treehouse-adventure-${project.id}-${token}-issue@postroom.test`,
      subject: 'Only once, please',
      text: 'Sent twice by a nervous client.\n',
      messageId: '<twice@example.com>',
    };
    await smtp().sendMail(mail);
    await smtp().sendMail(mail);
    await waitFor(
      () => ['done', 'rejected', 'dead'].includes(running!.spool.get(2)?.state ?? ''),
      10_000,
      'both routed',
    );
    expect(tracker!.issues(project).filter((i) => i.title === 'Only once, please')).toHaveLength(1);
    expect(running!.spool.get(1)).toMatchObject({ state: 'done', handler: 'CreateIssueHandler' });
    // Seen as a twin of a finished message, or (if both were in flight at once) answered by the
    // tracker's idempotency key with the first one's result: one issue either way.
    const first = running!.spool.get(1)!.outcome as { detail: Record<string, unknown> };
    const second = running!.spool.get(2)!.outcome as { state: string; detail: Record<string, unknown> };
    expect(second.state).toBe('done');
    expect([{ duplicateOf: 1 }, first.detail]).toContainEqual(second.detail);
  });

  it('the dedicated address: the key travels only in References', async () => {
    const { jake, finn, project } = await start('reply@postroom.test');
    const issue = unwrap(
      await tracker!.createIssue({ project, author: jake, title: 'Lumpy space', description: 'oh my glob' }),
    );
    const stored = issueAsNoteable(tracker!.issues(project).find((i) => i.id === issue.id)!);
    // Jake comments through the API: the API's tracker mails Finn, a participant by subscription.
    tracker!.subscribe(finn, stored);
    const response = await fetch(
      `http://127.0.0.1:${running!.http!.port}/api/projects/${project.id}/issues/${stored.iid}/notes`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ author: 'jake', body: 'What do you think, Finn?' }),
      },
    );
    expect(response.status).toBe(201);
    const [notification] = await relay!.waitForMessages(1, 10_000);
    expect(notification.envelope.to).toEqual(['finn@example.com']);
    expect(notification.header('reply-to')).toContain('reply@postroom.test');
    const references = notification.header('references')!;
    expect(references).toMatch(/^<reply-[0-9a-z-]+@postroom\.test>/);

    await smtp().sendMail({
      from: 'finn@example.com',
      to: 'reply@postroom.test',
      subject: 'Re: Lumpy space',
      references,
      text: 'Totally mathematical.\n',
    });
    // The note is in the tracker a moment before the spool records the outcome: wait for both.
    await waitFor(() => tracker!.notes(stored).length === 2, 10_000, 'the reply became a note');
    await waitFor(() => running!.spool.get(1)?.state === 'done', 10_000, 'the reply was recorded as done');
    const reply = tracker!.notes(stored)[1];
    expect(reply).toMatchObject({ authorId: finn.id });
    expect(reply.body).toContain('Totally mathematical.');
    expect(running!.spool.get(1)).toMatchObject({
      keySource: 'references',
      handler: 'CreateNoteHandler',
      state: 'done',
    });
  });
});
