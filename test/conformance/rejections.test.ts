// GitLab's FailureHandler table: for each error, a real fixture that causes it is sent over SMTP,
// and the rejection notice (or its absence) is read at the capture relay.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Project, User } from '../../src/handlers/sink.js';
import {
  addBranch,
  conformanceTable,
  DEDICATED_ADDRESS,
  fixture,
  headerOf,
  HOST,
  MAIL_KEY,
  must,
  reportConformance,
  rewrite,
  setHeader,
  startConformance,
  type Conformance,
  type Delivered,
} from './harness.js';

reportConformance();

let c: Conformance;
let dedicated: Conformance;
let jake: User;
let project: Project;

beforeAll(async () => {
  [c, dedicated] = await Promise.all([startConformance(), startConformance({ incomingAddress: DEDICATED_ADDRESS })]);
  must(dedicated.tracker.createUser({ username: 'jake', email: 'jake@adventuretime.ooo' }));
  jake = must(
    c.tracker.createUser({ username: 'jake', email: 'jake@adventuretime.ooo', incomingEmailToken: 'auth_token' }),
  );
  const blocked = must(
    c.tracker.createUser({
      username: 'blocked',
      email: 'blocked@adventuretime.ooo',
      incomingEmailToken: 'blocked_token',
    }),
  );
  c.tracker.blockUser(blocked);
  project = must(
    await c.tracker.createProject({ fullPath: 'gitlabhq/gitlabhq', visibility: 'public', repository: true }),
  );
  addBranch(c.tracker.projectDetails(project)!.repositoryPath!, 'feature', 'main', 'Feature added', {
    'feature.txt': 'A feature\n',
  });
  const issue = must(c.tracker.createIssue({ project, author: jake, title: 'An issue', description: '' }));
  c.tracker.recordSentNotification({
    recipient: jake,
    project,
    noteable: {
      type: 'Issue',
      id: issue.id,
      iid: issue.iid,
      projectId: project.id,
      title: 'An issue',
      state: 'opened',
      confidential: false,
    },
    legacyReplyKey: MAIL_KEY,
  });
});
afterAll(async () => {
  await Promise.all([c?.stop(), dedicated?.stop()]);
});

const issueAddress = (id: number, token = 'auth_token') => `incoming+gitlabhq-gitlabhq-${id}-${token}-issue@${HOST}`;
const mrAddress = () => `incoming+gitlabhq-gitlabhq-${project.id}-auth_token-merge-request@${HOST}`;

function expectNotice(delivered: Delivered, raw: string, error: string, replyTo: string | undefined): void {
  expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error });
  const notice = delivered.notice;
  expect(notice, `a notice for ${error}`).toBeDefined();
  expect(notice!.envelope.to).toEqual(['jake@adventuretime.ooo']);
  expect(notice!.header('Subject')).toBe(`[Rejected] ${headerOf(raw, 'Subject')}`.trim());
  expect(notice!.header('Reply-To')).toBe(replyTo);
  expect(notice!.header('Auto-Submitted')).toBe('auto-generated');
}

describe('Rejection notices (FailureHandler)', () => {
  const row = conformanceTable('rejection');

  row('UnknownIncomingEmail (valid_incoming.eml, no key anywhere): notice, cannot retry', async () => {
    const raw = setHeader(fixture('valid_incoming.eml'), 'From', 'Jake the Dog <jake@adventuretime.ooo>');
    expectNotice(await dedicated.send(raw, DEDICATED_ADDRESS), raw, 'UnknownIncomingEmail', undefined);
  });

  row('SentNotificationNotFoundError (wrong_mail_key, synthesised): notice, cannot retry', async () => {
    const raw = rewrite(fixture('valid_reply.eml').replaceAll(MAIL_KEY, 'ffffffffffffffffffffffffffffffff'));
    expectNotice(
      await c.send(raw, `incoming+ffffffffffffffffffffffffffffffff@${HOST}`),
      raw,
      'SentNotificationNotFoundError',
      undefined,
    );
  });

  row('ProjectNotFound (valid_new_issue.eml, project id MAX_INT): notice, cannot retry', async () => {
    const raw = rewrite(fixture('valid_new_issue.eml'), { projectId: 2147483647 });
    expectNotice(await c.send(raw, issueAddress(2147483647)), raw, 'ProjectNotFound', undefined);
  });

  row('EmptyEmailError (no_content_with_quote.eml): notice, can retry (Reply-To the first To)', async () => {
    const raw = rewrite(fixture('no_content_with_quote.eml'));
    expectNotice(
      await c.send(raw, `incoming+${MAIL_KEY}@${HOST}`),
      raw,
      'EmptyEmailError',
      `incoming+${MAIL_KEY}@${HOST}`,
    );
  });

  row('UserNotFoundError (wrong_issue_incoming_email_token.eml): notice, cannot retry', async () => {
    const raw = rewrite(fixture('wrong_issue_incoming_email_token.eml'), { projectId: project.id });
    expectNotice(await c.send(raw, issueAddress(project.id, 'bad_token')), raw, 'UserNotFoundError', undefined);
  });

  row('UserBlockedError (valid_new_issue.eml with a blocked user’s token): notice, cannot retry', async () => {
    const raw = rewrite(fixture('valid_new_issue.eml').replace('auth_token', 'blocked_token'), {
      projectId: project.id,
    });
    expectNotice(await c.send(raw, issueAddress(project.id, 'blocked_token')), raw, 'UserBlockedError', undefined);
  });

  row(
    'UserNotAuthorizedError (valid_new_merge_request_legacy.eml re-addressed, jake a guest): notice, cannot retry',
    async () => {
      c.tracker.addMember(project, jake, 'guest');
      const raw = setHeader(rewrite(fixture('valid_new_merge_request_legacy.eml')), 'To', mrAddress());
      expectNotice(await c.send(raw, mrAddress()), raw, 'UserNotAuthorizedError', undefined);
    },
  );

  row('NoteableNotFoundError (valid_note_on_issuable.eml to an iid with no issue): notice, cannot retry', async () => {
    const raw = rewrite(fixture('valid_note_on_issuable.eml'), { projectId: project.id, issueIid: 9999 });
    expectNotice(
      await c.send(raw, `incoming+gitlabhq-gitlabhq-${project.id}-auth_token-issue-9999@${HOST}`),
      raw,
      'NoteableNotFoundError',
      undefined,
    );
  });

  row(
    'InvalidAttachment (merge_request_with_conflicting_patch.eml): notice with the error’s own message, cannot retry',
    async () => {
      c.tracker.addMember(project, jake, 'developer');
      const raw = rewrite(fixture('merge_request_with_conflicting_patch.eml'), { projectId: project.id });
      const delivered = await c.send(raw, mrAddress());
      expectNotice(delivered, raw, 'InvalidAttachment', undefined);
      expect(delivered.notice!.text).toContain('Could not apply patches to feature:');
    },
  );

  row(
    'InvalidRecordError (InvalidIssueError: valid_new_issue.eml with a blank subject): notice, can retry',
    async () => {
      const raw = setHeader(rewrite(fixture('valid_new_issue.eml'), { projectId: project.id }), 'Subject', '');
      const delivered = await c.send(raw, issueAddress(project.id));
      expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'InvalidIssueError' });
      expect(delivered.notice!.header('Subject')).toBe('[Rejected]');
      expect(delivered.notice!.header('Reply-To')).toBe(issueAddress(project.id));
      expect(delivered.notice!.text).toContain("Title can't be blank");
    },
  );

  row(
    'EmailTooLarge: refused at the SMTP door (552), nothing spooled',
    async () => {
      const raw = rewrite(fixture('valid_new_issue.eml'), { projectId: project.id }).replace(
        'reply by email',
        `reply by email\n${`${'x'.repeat(76)}\n`.repeat(60_000)}`,
      );
      await expect(c.send(raw, issueAddress(project.id))).rejects.toMatchObject({ responseCode: 552 });
    },
    30_000,
  );

  row('AutoGeneratedEmailError (auto_reply.eml, X-Autoreply: yes): ignored, no notice', async () => {
    const before = c.relay.messages.length;
    const delivered = await c.send(
      rewrite(fixture('auto_reply.eml')),
      `incoming+636ca428858779856c226bb145ef4fad@${HOST}`,
    );
    expect(delivered.entry.outcome).toEqual({ state: 'ignored', reason: 'automatic mail: X-Autoreply: yes' });
    expect(c.relay.messages.length).toBe(before);
  });

  row(
    'AutoGeneratedEmailError (auto_submitted, synthesised: Auto-Submitted: auto-replied): ignored, no notice',
    async () => {
      const before = c.relay.messages.length;
      const raw = setHeader(rewrite(fixture('valid_reply.eml')), 'Auto-Submitted', 'auto-replied');
      const delivered = await c.send(raw, `incoming+${MAIL_KEY}@${HOST}`);
      expect(delivered.entry.outcome).toEqual({
        state: 'ignored',
        reason: 'automatic mail: Auto-Submitted: auto-replied',
      });
      expect(c.relay.messages.length).toBe(before);
    },
  );

  row('Auto-Submitted: no is not automatic (valid_reply.eml with it): processed', async () => {
    const raw = setHeader(rewrite(fixture('valid_reply.eml')), 'Auto-Submitted', 'no');
    const delivered = await c.send(raw, `incoming+${MAIL_KEY}@${HOST}`);
    expect(delivered.entry.outcome?.state).toBe('done');
  });
});
