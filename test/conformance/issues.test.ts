// GitLab's CreateIssueHandler and CreateMergeRequestHandler specs, row by row, through the SMTP
// front of a running Postroom (see /work/shared/corpora/gitlab/EXPECTED.md).
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import type { Project, User } from '../../src/handlers/sink.js';
import { mergeRequestAsNoteable } from '../../src/tracker/index.js';
import {
  addBranch,
  conformanceTable,
  fixture,
  git,
  HOST,
  must,
  reportConformance,
  rewrite,
  setHeader,
  startConformance,
  type Conformance,
  type Delivered,
} from './harness.js';

/** What GitLab's patches expect of `gitlab-test`: README's blob is 3742e48, as patch 0001's index line says. */
const SAMPLE_README = 'Sample repo for testing gitlab features\n';
const SIGNED_OFF = 'Signed-off-by: Dmitriy Zaporozhets <dmitriy.zaporozhets@gmail.com>';
const MAX_INT = 2147483647;

reportConformance();

let c: Conformance;
let jake: User;
let project: Project;
let repository: string;

beforeAll(async () => {
  c = await startConformance();
  jake = must(
    c.tracker.createUser({
      username: 'jake',
      name: 'Jake the Dog',
      email: 'jake@adventuretime.ooo',
      incomingEmailToken: 'auth_token',
    }),
  );
  must(c.tracker.createUser({ username: 'finn', email: 'finn@adventuretime.ooo' }));
  project = must(
    await c.tracker.createProject({
      fullPath: 'gitlabhq/gitlabhq',
      visibility: 'public',
      repository: { files: { README: SAMPLE_README } },
    }),
  );
  repository = c.tracker.projectDetails(project)!.repositoryPath!;
  // gitlab-test's `feature` branch: one commit "Feature added", signed off; and `with-codeowners`.
  addBranch(repository, 'feature', 'main', `Feature added\n\n${SIGNED_OFF}`, { 'feature.txt': 'A feature\n' });
  addBranch(repository, 'with-codeowners', 'main', 'Add CODEOWNERS', { CODEOWNERS: '* @jake\n' });
});
afterAll(async () => {
  await c?.stop();
});

function expectRejected(delivered: Delivered, error: string, canRetry: boolean, replyTo?: string): void {
  expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error });
  expect(delivered.notice, `a notice for ${error}`).toBeDefined();
  expect(delivered.notice!.header('Subject')).toMatch(/^\[Rejected\]/);
  expect(delivered.notice!.header('Reply-To')).toBe(canRetry ? replyTo : undefined);
}

describe('New issue by email (CreateIssueHandler)', () => {
  const row = conformanceTable('issue');
  const address = (id = project.id, token = 'auth_token') => `incoming+gitlabhq-gitlabhq-${id}-${token}-issue@${HOST}`;
  const mail = (name: string, id = project.id) => rewrite(fixture(name), { projectId: id });
  const count = () => c.tracker.issues(project).length;
  const latest = () =>
    c.tracker
      .issues(project)
      .sort((a, b) => a.iid - b.iid)
      .at(-1)!;

  row('valid_new_issue.eml: +1 issue by jake, title and description from the mail', async () => {
    const before = count();
    const delivered = await c.send(mail('valid_new_issue.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.handler).toBe('CreateIssueHandler');
    expect(count()).toBe(before + 1);
    const issue = latest();
    expect(issue.authorId).toBe(jake.id);
    expect(issue.title).toBe('New Issue by email');
    expect(issue.description).toContain('reply by email');
    expect(issue.confidential).toBe(false);
  });

  row('valid_new_issue_legacy (synthesised: incoming+gitlabhq/gitlabhq+auth_token@): the same', async () => {
    const before = count();
    const legacy = `incoming+gitlabhq/gitlabhq+auth_token@${HOST}`;
    const raw = setHeader(mail('valid_new_issue.eml'), 'To', legacy);
    const delivered = await c.send(raw, legacy);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(count()).toBe(before + 1);
    expect(latest()).toMatchObject({ authorId: jake.id, title: 'New Issue by email' });
    expect(latest().description).toContain('reply by email');
  });

  row('valid_new_issue_empty.eml: +1 issue with an empty description', async () => {
    const before = count();
    const delivered = await c.send(mail('valid_new_issue_empty.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(count()).toBe(before + 1);
    expect(latest().description).toBe('');
  });

  row('valid_new_issue_with_quote.eml: the quote is kept (new issues are not trimmed)', async () => {
    const delivered = await c.send(mail('valid_new_issue_with_quote.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(latest().description).toContain('reply by email');
    expect(latest().description).toContain('> this is a quote');
  });

  row('valid_new_issue_with_only_quotes.eml: a body of quotes only is the description', async () => {
    const delivered = await c.send(mail('valid_new_issue_with_only_quotes.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(latest().description).toContain('This email has been forwarded without new content.');
  });

  row('wrong_issue_incoming_email_token.eml: UserNotFoundError', async () => {
    const before = count();
    const delivered = await c.send(mail('wrong_issue_incoming_email_token.eml'), address(project.id, 'bad_token'));
    expectRejected(delivered, 'UserNotFoundError', false);
    expect(count()).toBe(before);
  });

  row('wrong_authentication_token.eml (legacy +bad_token): UserNotFoundError', async () => {
    const delivered = await c.send(
      mail('wrong_authentication_token.eml'),
      `incoming+gitlabhq/gitlabhq+bad_token@${HOST}`,
    );
    expectRejected(delivered, 'UserNotFoundError', false);
  });

  row('valid_new_issue.eml, project private and jake not a member: ProjectNotFound', async () => {
    c.tracker.setVisibility(project, 'private');
    try {
      const before = count();
      const delivered = await c.send(mail('valid_new_issue.eml'), address());
      expectRejected(delivered, 'ProjectNotFound', false);
      expect(count()).toBe(before);
    } finally {
      c.tracker.setVisibility(project, 'public');
    }
  });

  row('valid_new_issue.eml with project id MAX_INT: ProjectNotFound', async () => {
    const delivered = await c.send(mail('valid_new_issue.eml', MAX_INT), address(MAX_INT));
    expectRejected(delivered, 'ProjectNotFound', false);
  });

  row(
    'valid_new_issue.eml, issue not persisted (synthesised: blank subject): InvalidIssueError, can retry',
    async () => {
      const before = count();
      const delivered = await c.send(setHeader(mail('valid_new_issue.eml'), 'Subject', ''), address());
      expectRejected(delivered, 'InvalidIssueError', true, address());
      expect(delivered.entry.outcome).toMatchObject({
        message: "The issue could not be created for the following reasons:\n\n- Title can't be blank",
      });
      expect(count()).toBe(before);
    },
  );
});

describe('New merge request by email (CreateMergeRequestHandler)', () => {
  const row = conformanceTable('merge-request');
  const address = (token = 'auth_token') => `incoming+gitlabhq-gitlabhq-${project.id}-${token}-merge-request@${HOST}`;
  const legacyAddress = `incoming+gitlabhq/gitlabhq+merge-request+auth_token@${HOST}`;
  const mail = (name: string) => rewrite(fixture(name), { projectId: project.id });
  const count = () => c.tracker.mergeRequests(project).length;
  const latest = () =>
    c.tracker
      .mergeRequests(project)
      .sort((a, b) => a.iid - b.iid)
      .at(-1)!;
  /** valid_new_merge_request.eml as the current spec has it: the legacy file's body, the new-format address. */
  const validNew = () => setHeader(mail('valid_new_merge_request_legacy.eml'), 'To', address());

  // Each GitLab example starts from a clean gitlab-test: close what the last row opened, drop its branches.
  beforeEach(() => {
    for (const mr of c.tracker.mergeRequests(project)) {
      if (mr.state === 'opened') c.tracker.setState(mergeRequestAsNoteable(mr), 'closed');
    }
    const branches = git(repository, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')
      .split('\n')
      .filter(Boolean);
    for (const branch of branches)
      if (!['main', 'feature', 'with-codeowners'].includes(branch)) git(repository, 'branch', '-D', branch);
    c.tracker.addMember(project, jake, 'developer');
  });

  row(
    'valid_new_merge_request.eml (reconstructed), developer: +1 MR from `feature`, titled by its commit',
    async () => {
      const before = count();
      const delivered = await c.send(validNew(), address());
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(delivered.entry.handler).toBe('CreateMergeRequestHandler');
      expect(count()).toBe(before + 1);
      expect(latest()).toMatchObject({
        authorId: jake.id,
        sourceBranch: 'feature',
        title: 'Feature added',
        description: 'Merge request description',
        targetBranch: 'main',
      });
    },
  );

  row('valid_new_merge_request.eml (reconstructed), guest: UserNotAuthorizedError', async () => {
    c.tracker.addMember(project, jake, 'guest');
    const before = count();
    const delivered = await c.send(validNew(), address());
    expectRejected(delivered, 'UserNotAuthorizedError', false);
    expect(count()).toBe(before);
  });

  row('valid_new_merge_request_legacy.eml: the same as the current address', async () => {
    const before = count();
    const delivered = await c.send(mail('valid_new_merge_request_legacy.eml'), legacyAddress);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(count()).toBe(before + 1);
    expect(latest()).toMatchObject({
      authorId: jake.id,
      sourceBranch: 'feature',
      title: 'Feature added',
      description: 'Merge request description',
      targetBranch: 'main',
    });
  });

  row('wrong_merge_request_incoming_email_token.eml: UserNotFoundError', async () => {
    const delivered = await c.send(mail('wrong_merge_request_incoming_email_token.eml'), address('bad_token'));
    expectRejected(delivered, 'UserNotFoundError', false);
  });

  row('valid_new_merge_request_no_subject.eml (empty Subject): InvalidMergeRequestError, can retry', async () => {
    const before = count();
    const delivered = await c.send(mail('valid_new_merge_request_no_subject.eml.STALE-f120174a'), legacyAddress);
    expectRejected(delivered, 'InvalidMergeRequestError', true, legacyAddress);
    expect(count()).toBe(before);
  });

  row('valid_new_merge_request_no_description.eml: description is the last commit’s message', async () => {
    const delivered = await c.send(mail('valid_new_merge_request_no_description.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(latest()).toMatchObject({ sourceBranch: 'feature', title: 'Feature added', description: SIGNED_OFF });
  });

  row('valid_merge_request_with_patch.eml: the patch makes the branch, +1 MR from it', async () => {
    const delivered = await c.send(mail('valid_merge_request_with_patch.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(git(repository, 'log', '-1', '--format=%B', 'new-branch-with-a-patch')).toContain('A commit from a patch');
    const mr = latest();
    expect(mr.sourceBranch).toBe('new-branch-with-a-patch');
    expect(mr.description).not.toContain('0001-A-commit-from-a-patch.patch');
  });

  row('merge_request_with_conflicting_patch.eml: InvalidAttachment', async () => {
    const before = count();
    const delivered = await c.send(mail('merge_request_with_conflicting_patch.eml'), address());
    expectRejected(delivered, 'InvalidAttachment', false);
    expect(delivered.entry.outcome).toMatchObject({
      message: expect.stringMatching(/^Could not apply patches to feature:\n/),
    });
    expect(count()).toBe(before);
  });

  row('merge_request_with_patch_and_target_branch.eml (/target_branch with-codeowners): patched onto it', async () => {
    const delivered = await c.send(mail('merge_request_with_patch_and_target_branch.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    const mr = latest();
    expect(mr.targetBranch).toBe('with-codeowners');
    expect(mr.sourceBranch).toBe('new-branch-with-a-patch');
    const base = git(repository, 'merge-base', 'with-codeowners', 'new-branch-with-a-patch').trim();
    expect(base).toBe(git(repository, 'rev-parse', 'with-codeowners').trim());
  });

  row('merge_request_multiple_patches.eml: the patches apply sorted by filename', async () => {
    const delivered = await c.send(mail('merge_request_multiple_patches.eml'), address());
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.outcome).toMatchObject({ detail: { patches: 2 } });
    const subjects = git(repository, 'log', '--reverse', '--format=%s', 'main..new-branch-with-a-patch')
      .trim()
      .split('\n');
    expect(subjects).toEqual(['A commit from a patch', 'This does not apply to the `feature` branch']);
  });
});
