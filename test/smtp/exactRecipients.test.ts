import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { configRecipientPolicy } from '../../src/smtp/configRecipientPolicy.js';
import { issueAsNoteable, openTracker, trackerKeyDirectory, type Tracker } from '../../src/tracker/index.js';
import { startTestPostroom, tempDir, testConfigText, type TestPostroom } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';

let postroom: TestPostroom;
let tracker: Tracker;
const addresses: Record<string, string> = {};

beforeAll(async () => {
  postroom = await startTestPostroom('', (dir) =>
    testConfigText(dir).replace('verify_keys: false', 'verify_keys: true'),
  );
  tracker = openTracker(postroom.config.tracker.path);
  const jake = tracker.createUser({ username: 'jake', email: 'jake@example.com' });
  const finn = tracker.createUser({ username: 'finn', email: 'finn@example.com' });
  if (!jake.saved || !finn.saved) throw new Error('users');
  tracker.blockUser(finn.record);
  const made = await tracker.createProject({ fullPath: 'treehouse/adventure' });
  const desk = await tracker.createProject({ fullPath: 'treehouse/help' });
  if (!made.saved || !desk.saved) throw new Error('projects');
  const project = made.record;
  tracker.configureServiceDesk(desk.record, { enabled: true, projectKey: 'frontdesk' });
  const issue = await tracker.createIssue({ project, author: jake.record, title: 'Ice', description: '' });
  if (!issue.saved) throw new Error('issue');
  const replyKey = tracker.recordSentNotification({
    recipient: jake.record,
    project,
    noteable: issueAsNoteable(tracker.issues(project)[0]),
  });
  const token = tracker.incomingEmailToken(jake.record)!;
  const blockedToken = tracker.incomingEmailToken(finn.record)!;
  Object.assign(addresses, {
    reply: `incoming+${replyKey}@postroom.test`,
    unsubscribe: `incoming+${replyKey}-unsubscribe@postroom.test`,
    newIssue: `incoming+treehouse-adventure-${project.id}-${token}-issue@postroom.test`,
    newMergeRequest: `incoming+treehouse-adventure-${project.id}-${token}-merge-request@postroom.test`,
    serviceDesk: `contact+treehouse-help-${desk.record.id}-issue-@postroom.test`,
    legacyPath: `incoming+Treehouse/Adventure+${token}@postroom.test`,
    serviceDeskPath: 'contact+treehouse/help@postroom.test',
    serviceDeskKey: 'contact+treehouse-help-frontdesk@postroom.test',
    unknownReply: 'incoming+b7-0123456789abcdefghijklmno@postroom.test',
    unknownProject: `incoming+treehouse-adventure-999-${token}-issue@postroom.test`,
    wrongSlug: `incoming+treehouse-elsewhere-${project.id}-${token}-issue@postroom.test`,
    unknownToken: `incoming+treehouse-adventure-${project.id}-glimt-nobody-issue@postroom.test`,
    blockedToken: `incoming+treehouse-adventure-${project.id}-${blockedToken}-issue@postroom.test`,
    deskDisabled: `contact+treehouse-adventure-${project.id}-issue-@postroom.test`,
    unknownPath: `incoming+treehouse/elsewhere+${token}@postroom.test`,
    legacyBlockedToken: `incoming+treehouse/adventure+${blockedToken}@postroom.test`,
    deskPathDisabled: 'contact+treehouse/adventure@postroom.test',
    deskKeyWrongSlug: 'contact+treehouse-adventure-frontdesk@postroom.test',
  });
});
afterAll(async () => {
  tracker.close();
  await postroom.cleanup();
});

async function rcpt(address: string): Promise<string> {
  const { talk } = await greet(postroom.port);
  await talk.command('MAIL FROM:<someone@example.com>');
  const reply = await talk.command(`RCPT TO:<${address}>`);
  talk.close();
  return reply.lines[0];
}

describe('RCPT TO against the embedded tracker', () => {
  for (const name of [
    'reply',
    'unsubscribe',
    'newIssue',
    'newMergeRequest',
    'serviceDesk',
    'legacyPath',
    'serviceDeskPath',
    'serviceDeskKey',
  ]) {
    it(`accepts a ${name} address whose key means something`, async () => {
      expect(await rcpt(addresses[name])).toMatch(/^250 /);
    });
  }

  for (const name of [
    'unknownReply',
    'unknownProject',
    'wrongSlug',
    'unknownToken',
    'blockedToken',
    'deskDisabled',
    'unknownPath',
    'legacyBlockedToken',
    'deskPathDisabled',
    'deskKeyWrongSlug',
  ]) {
    it(`refuses ${name} with 550 5.1.1`, async () => {
      expect(await rcpt(addresses[name])).toMatch(/^550 5\.1\.1 /);
    });
  }

  it('refuses a key from the moment the tracker stops knowing it, though it was accepted before', async () => {
    // Accepted keys are remembered until the tracker file changes (KnownKeys): blocking the
    // user through another connection must end that at once.
    const ice = tracker.createUser({ username: 'ice', email: 'ice@example.com' });
    if (!ice.saved) throw new Error('user');
    const project = tracker.projectByFullPath('treehouse/adventure')!;
    const address = `incoming+treehouse-adventure-${project.id}-${tracker.incomingEmailToken(ice.record)}-issue@postroom.test`;
    expect(await rcpt(address)).toMatch(/^250 /);
    expect(await rcpt(address)).toMatch(/^250 /);
    tracker.blockUser(ice.record);
    // Past the window in which the front trusts what it last read of the file's version.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await rcpt(address)).toMatch(/^550 5\.1\.1 /);
    tracker.unblockUser(ice.record);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await rcpt(address)).toMatch(/^250 /);
  });

  it('answers 451 4.3.0 when the tracker cannot answer, never a guess', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = parseConfigText(testConfigText(dir), 'test.yml', {});
      const broken = openTracker(path.join(dir, 'tracker.db'));
      const policy = configRecipientPolicy(config, trackerKeyDirectory(broken));
      broken.close();
      expect(await policy.check(addresses.reply)).toMatchObject({ kind: 'tempfail', code: 451, status: '4.3.0' });
      // The grammar still decides first: a key no handler could take is refused outright.
      expect(await policy.check('incoming+!!!@postroom.test')).toMatchObject({
        kind: 'reject',
        code: 550,
        status: '5.1.1',
      });
    } finally {
      cleanup();
    }
  });
});
