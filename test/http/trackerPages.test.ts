import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, User } from '../../src/handlers/sink.js';
import { issueAsNoteable } from '../../src/tracker/index.js';
import { startHttpWorld, TOKEN, type HttpWorld } from './httpWorld.js';
import { signInAsOperator, Visitor } from './visitor.js';

let world: HttpWorld;
let author: User;
let stranger: User;
let open: Project;
let closed: Project;
const mailed: { to: string; link: string }[] = [];

function saved<T>(result: { saved: true; record: T } | { saved: false; errors: string[] }): T {
  if (!result.saved) throw new Error(result.errors.join(', '));
  return result.record;
}

beforeAll(async () => {
  world = await startHttpWorld({
    httpExtra: '  operators: [ops@example.com]',
    sources: { mailSignInLink: async (to, link) => void mailed.push({ to: to.address, link }) },
  });
  const tracker = world.tracker;
  author = saved(tracker.createUser({ username: 'ada', name: '<b>Ada</b> "the hacker"', email: 'ada@example.com' }));
  stranger = saved(tracker.createUser({ username: 'sam', name: 'Sam', email: 'sam@example.com' }));
  saved(tracker.createUser({ username: 'olga', name: 'Olga', email: 'ops@example.com' }));
  open = saved(await tracker.createProject({ fullPath: 'group/open', visibility: 'public' }));
  closed = saved(await tracker.createProject({ fullPath: 'group/closed', visibility: 'private' }));
  tracker.addMember(open, author, 'developer');
  tracker.addMember(closed, author, 'developer');
  const upload = tracker.upload(open, author, {
    filename: 'notes.txt',
    contentType: 'text/plain',
    content: Buffer.from('attached words'),
  });
  tracker.createIssue({
    project: open,
    author,
    title: 'Public <script>alert(1)</script> bug',
    description: `It breaks.\n\n${upload?.markdown}`,
  });
  const secret = saved(
    tracker.createIssue({ project: open, author, title: 'Secret bug', description: 'the secret', confidential: true }),
  );
  tracker.addEmailParticipants(secret, ['customer@example.net']);
  const publicTicket = saved(tracker.createIssue({ project: open, author, title: 'By mail', description: 'hi' }));
  tracker.addEmailParticipants(publicTicket, ['reader@example.net']);
  tracker.createIssue({ project: closed, author, title: 'Private bug', description: 'private words' });
});
afterAll(() => world.cleanup());

/** Signs `visitor` in through the mailed one-time link, as a tracker user does. */
async function signInByMail(visitor: Visitor, address: string): Promise<void> {
  await visitor.get('/sign-in');
  const before = mailed.length;
  const asked = await visitor.post('/sign-in/mail', { email: address, next: '/projects' });
  expect(asked.text).toContain('If ' + address + ' is the verified address');
  const link = new URL(mailed[before].link);
  const confirm = await visitor.get(link.pathname + link.search);
  expect(confirm.status).toBe(200);
  const used = await visitor.post(link.pathname, { next: '/projects' });
  expect([used.status, used.headers.get('location')]).toEqual([303, '/projects']);
}

describe('tracker pages and permissions', () => {
  it("shows a public project's non-confidential issue to anyone, escaped", async () => {
    const page = await new Visitor(world.base).get('/group/open/-/issues/1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Public &lt;script&gt;alert(1)&lt;/script&gt; bug');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('&lt;b&gt;Ada&lt;/b&gt; &quot;the hacker&quot;');
    expect(page.text).toContain('It breaks.');
  });

  it('asks for a session for a confidential issue or a private project, and shows neither', async () => {
    const visitor = new Visitor(world.base);
    for (const path of ['/group/open/-/issues/2', '/group/closed/-/issues/1', '/group/closed']) {
      const page = await visitor.get(path);
      expect([page.status, page.headers.get('location')]).toEqual([303, `/sign-in?next=${encodeURIComponent(path)}`]);
      expect(page.text).not.toContain('secret');
    }
    expect((await visitor.get('/projects')).text).not.toContain('group/closed');
  });

  it('shows a confidential issue to its author signed in by mailed link, and not to another user', async () => {
    const ada = new Visitor(world.base);
    await signInByMail(ada, 'ada@example.com');
    expect((await ada.get('/group/open/-/issues/2')).text).toContain('the secret');
    expect((await ada.get('/group/closed/-/issues/1')).text).toContain('private words');
    // A tracker user is not an operator.
    expect((await ada.get('/')).status).toBe(403);
    const sam = new Visitor(world.base);
    await signInByMail(sam, stranger.email);
    const refused = await sam.get('/group/open/-/issues/2');
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('the secret');
  });

  it('mails no link to an unknown address but answers the same', async () => {
    const before = mailed.length;
    const visitor = new Visitor(world.base);
    await visitor.get('/sign-in');
    const answer = await visitor.post('/sign-in/mail', { email: 'nobody@example.com' });
    expect(answer.status).toBe(200);
    expect(mailed.length).toBe(before);
  });

  it('uses a mailed link once', async () => {
    const visitor = new Visitor(world.base);
    await signInByMail(visitor, 'ada@example.com');
    const link = new URL(mailed[mailed.length - 1].link);
    expect((await visitor.get(link.pathname)).status).toBe(410);
  });

  it('lets a tracker user listed in http.operators into the console', async () => {
    const olga = new Visitor(world.base);
    await signInByMail(olga, 'ops@example.com');
    expect((await olga.get('/')).status).toBe(200);
  });

  it("shows Service Desk participants' addresses to members only", async () => {
    const anonymous = await new Visitor(world.base).get('/group/open/-/issues/3');
    expect(anonymous.text).toContain('Participants by email: 1');
    expect(anonymous.text).not.toContain('reader@example.net');
    const ada = new Visitor(world.base);
    await signInByMail(ada, 'ada@example.com');
    expect((await ada.get('/group/open/-/issues/3')).text).toContain('reader@example.net');
    expect((await ada.get('/group/open/-/issues/2')).text).toContain('customer@example.net');
  });

  it('shows everything to the operator', async () => {
    const operator = new Visitor(world.base);
    await signInAsOperator(operator, TOKEN);
    expect((await operator.get('/group/closed/-/issues/1')).text).toContain('private words');
    expect((await operator.get('/projects')).text).toContain('group/closed');
  });

  it('serves an upload linked from the issue as a download', async () => {
    const page = await new Visitor(world.base).get('/group/open/-/issues/1');
    const path = /href="(\/uploads\/[0-9a-f]{32}\/notes\.txt)"/.exec(page.text)?.[1];
    expect(path).toBeDefined();
    const file = await new Visitor(world.base).get(path as string);
    expect([file.status, file.text]).toEqual([200, 'attached words']);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="notes.txt"');
    expect((await new Visitor(world.base).get(`/group/open${path}`)).text).toBe('attached words');
  });
});

describe('the merge request page', () => {
  it('shows the source branch and the commits the patches applied', async () => {
    const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/tracker');
    const filename = '0001-A-commit-from-a-patch.patch';
    const code = saved(
      await world.tracker.createProject({
        fullPath: 'group/code',
        visibility: 'public',
        // What the fixture patch expects to find (GitLab's gitlab-test README).
        repository: { files: { README: 'Sample repo for testing gitlab features\n' } },
      }),
    );
    world.tracker.addMember(code, author, 'developer');
    const outcome = await world.tracker.createMergeRequest({
      project: code,
      author,
      sourceBranch: 'feature-by-mail',
      description: 'Patches attached.',
      patches: [{ filename, contentType: 'text/x-patch', content: readFileSync(path.join(fixtures, filename)) }],
    });
    expect('saved' in outcome && outcome.saved).toBe(true);
    const page = await new Visitor(world.base).get('/group/code/-/merge_requests/1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>feature-by-mail</code> into <code>main</code>');
    expect(page.text).toMatch(/<li><code>[0-9a-f]{12}<\/code> A commit from a patch<\/li>/);
  });
});

describe('unsubscribe links', () => {
  it('confirm on GET, unsubscribe on POST and by RFC 8058 one-click POST, without a session', async () => {
    const issue = world.tracker.issue(open, 1);
    if (!issue) throw new Error('no issue');
    const noteable = issueAsNoteable(issue);
    const key = world.tracker.recordSentNotification({ recipient: author, project: open, noteable });
    const path = `/-/sent_notifications/${key}/unsubscribe`;
    const visitor = new Visitor(world.base);
    const confirm = await visitor.get(path);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Stop mail to ada@example.com');
    expect(world.tracker.subscription(author, noteable)).not.toBe(false);
    const oneClick = await fetch(`${world.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(world.tracker.subscription(author, noteable)).toBe(false);
    expect((await visitor.get('/-/sent_notifications/nonsense/unsubscribe')).status).toBe(404);
  });
});
