import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment, Project } from '../../src/handlers/sink.js';
import { TrackerSink } from '../../src/tracker/index.js';
import { makeWorld, must, type World } from './world.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/tracker');
const patch = (filename: string): Attachment => ({
  filename,
  contentType: 'text/x-patch',
  content: readFileSync(path.join(FIXTURES, filename)),
});
const PATCH_1 = '0001-A-commit-from-a-patch.patch';
const PATCH_2 = '0002-This-does-not-apply-to-the-feature-branch.patch';
/** What GitLab's patches expect of `gitlab-test`: README's blob is 3742e48, as patch 0001's index line says. */
const SAMPLE_README = 'Sample repo for testing gitlab features\n';

let world: World;
let sink: TrackerSink;
let key = 0;
beforeEach(async () => {
  world = await makeWorld();
  sink = new TrackerSink(world.tracker);
});
afterEach(() => world.cleanup());

function gitIn(repository: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repository,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

async function projectWithRepository(
  files: Record<string, string> = { README: SAMPLE_README },
): Promise<{ project: Project; repository: string }> {
  const project = await world.addProject({
    fullPath: 'gitlabhq/with-repo',
    visibility: 'private',
    repository: { files },
  });
  world.tracker.addMember(project, world.jake, 'developer');
  world.tracker.addMember(project, world.guest, 'guest');
  return { project, repository: world.tracker.projectDetails(project)!.repositoryPath! };
}

const mergeRequest = (project: Project, sourceBranch: string, patches: Attachment[], description = '') =>
  sink.createMergeRequest({
    idempotencyKey: `<mr${++key}@example.com>|mr`,
    project,
    author: world.jake,
    sourceBranch,
    description,
    patches,
  });

describe('projects with a repository', () => {
  it('get a bare repository with one commit on the default branch', async () => {
    const { repository } = await projectWithRepository();
    expect(gitIn(repository, 'rev-parse', '--is-bare-repository').trim()).toBe('true');
    expect(gitIn(repository, 'log', '--format=%s', 'main').trim()).toBe('Initial commit');
    expect(gitIn(repository, 'show', 'main:README')).toBe(SAMPLE_README);
  });
});

describe('merge requests with patches', () => {
  it('a valid patch makes the source branch from the default branch, and the MR takes the commit title', async () => {
    const { project, repository } = await projectWithRepository();
    const result = await mergeRequest(project, 'new-branch-with-a-patch', [patch(PATCH_1)]);
    expect(result).toEqual({ saved: true, record: { id: expect.any(Number), iid: 1 } });

    expect(gitIn(repository, 'log', '--format=%s|%an|%cn', 'main..new-branch-with-a-patch').trim()).toBe(
      'A commit from a patch|Patch user|jake',
    );
    expect(gitIn(repository, 'show', 'new-branch-with-a-patch:README')).toBe(
      `${SAMPLE_README}\nThis was applied in a patch!\n`,
    );
    expect(world.tracker.mergeRequest(project, 1)).toMatchObject({
      title: 'A commit from a patch',
      sourceBranch: 'new-branch-with-a-patch',
      targetBranch: 'main',
      authorId: world.jake.id,
      description: '',
      state: 'opened',
    });
  });

  it('a series applies in order, and the MR is named after the branch when there are several commits', async () => {
    const { project, repository } = await projectWithRepository();
    const result = await mergeRequest(
      project,
      'new-branch-with-a-patch',
      [patch(PATCH_1), patch(PATCH_2)],
      'Merge request description',
    );
    expect(result).toMatchObject({ saved: true });
    expect(
      gitIn(repository, 'log', '--reverse', '--format=%s', 'main..new-branch-with-a-patch').trim().split('\n'),
    ).toEqual(['A commit from a patch', 'This does not apply to the `feature` branch']);
    expect(world.tracker.mergeRequest(project, 1)).toMatchObject({
      title: 'New branch with a patch',
      description: 'Merge request description',
    });
  });

  it("a conflicting patch fails with git's message; no branch and no MR are left behind", async () => {
    const { project, repository } = await projectWithRepository({
      README: SAMPLE_README,
      'files/ruby/feature.rb': 'class Feature\nend\n',
    });
    const result = await mergeRequest(project, 'feature', [patch(PATCH_2)]);
    expect(result).toEqual({ patchFailed: expect.stringMatching(/files\/ruby\/feature\.rb: already exists in index/) });
    expect((result as { patchFailed: string }).patchFailed).toMatch(/Patch failed at 0001/);
    expect(gitIn(repository, 'branch', '--list').trim()).toBe('* main');
    expect(world.tracker.mergeRequests(project)).toEqual([]);
  });

  it('refuses a source branch that already exists', async () => {
    const { project } = await projectWithRepository();
    expect(await mergeRequest(project, 'main-copy', [patch(PATCH_1)])).toMatchObject({ saved: true });
    world.tracker.setState(
      world.tracker.noteable('MergeRequest', world.tracker.mergeRequest(project, 1)!.id)!,
      'closed',
    );
    expect(await mergeRequest(project, 'main-copy', [patch(PATCH_1)])).toEqual({
      patchFailed: "Something went wrong when we tried to create 'main-copy' for you: Branch already exists",
    });
  });

  it('refuses a branch name git would not take', async () => {
    const { project } = await projectWithRepository();
    expect(await mergeRequest(project, 'bad..name', [patch(PATCH_1)])).toEqual({
      patchFailed: "Something went wrong when we tried to create 'bad..name' for you: Branch name is invalid",
    });
  });

  it('starts the branch from /target_branch, which also becomes the target', async () => {
    const { project, repository } = await projectWithRepository();
    gitIn(repository, 'branch', 'with-codeowners', 'main');
    const result = await mergeRequest(project, 'patched', [patch(PATCH_1)], 'Please\n/target_branch with-codeowners');
    expect(result).toMatchObject({ saved: true });
    expect(world.tracker.mergeRequest(project, 1)).toMatchObject({
      targetBranch: 'with-codeowners',
      description: 'Please',
    });
    expect(gitIn(repository, 'merge-base', 'patched', 'with-codeowners').trim()).toBe(
      gitIn(repository, 'rev-parse', 'with-codeowners').trim(),
    );
  });

  it('the same message twice applies the patches once and gives the same result', async () => {
    const { project, repository } = await projectWithRepository();
    const input = {
      idempotencyKey: '<same@example.com>|mr',
      project,
      author: world.jake,
      sourceBranch: 'once',
      description: '',
      patches: [patch(PATCH_1)],
    };
    const first = await sink.createMergeRequest(input);
    const second = await sink.createMergeRequest(input);
    expect(second).toEqual(first);
    expect(world.tracker.mergeRequests(project)).toHaveLength(1);
    expect(gitIn(repository, 'rev-list', '--count', 'main..once').trim()).toBe('1');
  });

  it('a retry after a crash between push and commit replaces its own branch instead of failing', async () => {
    const { project, repository } = await projectWithRepository();
    // The state such a crash leaves: the branch pushed and noted as pending, no merge request.
    world.tracker.db
      .prepare('INSERT INTO pending_branches (idempotency_key, project_id, branch) VALUES (?, ?, ?)')
      .run('<crash@x>|mr', project.id, 'crashed');
    gitIn(repository, 'branch', 'crashed', 'main');
    const result = await sink.createMergeRequest({
      idempotencyKey: '<crash@x>|mr',
      project,
      author: world.jake,
      sourceBranch: 'crashed',
      description: '',
      patches: [patch(PATCH_1)],
    });
    expect(result).toMatchObject({ saved: true });
    expect(gitIn(repository, 'log', '--format=%s', 'main..crashed').trim()).toBe('A commit from a patch');
  });
});

describe('merge requests without patches', () => {
  it('with a repository the source branch must exist; the title and description come from its one commit', async () => {
    const { project, repository } = await projectWithRepository();
    expect(await mergeRequest(project, 'feature', [])).toEqual({
      saved: false,
      errors: ['Source branch "feature" does not exist'],
    });
    await mergeRequest(project, 'feature', [patch(PATCH_1)]);
    world.tracker.setState(
      world.tracker.noteable('MergeRequest', world.tracker.mergeRequest(project, 1)!.id)!,
      'closed',
    );
    gitIn(repository, 'update-ref', 'refs/heads/feature2', 'refs/heads/feature');
    expect(await mergeRequest(project, 'feature2', [])).toMatchObject({ saved: true });
    expect(world.tracker.mergeRequest(project, 2)).toMatchObject({
      title: 'A commit from a patch',
      sourceBranch: 'feature2',
    });
  });

  it('without a repository, patches are refused, not dropped: no MR, the reason names the project', async () => {
    const result = await mergeRequest(world.project, 'new-branch-with-a-patch', [patch(PATCH_1)], 'description');
    expect(result).toEqual({ patchFailed: `${world.project.fullPath} has no repository to apply patches to` });
    expect(world.tracker.mergeRequests(world.project)).toEqual([]);
  });

  it('without a repository and without patches, branches are names only: the MR is created', async () => {
    expect(await mergeRequest(world.project, 'new-branch', [], 'Merge request description')).toMatchObject({
      saved: true,
    });
    expect(world.tracker.mergeRequest(world.project, 1)).toMatchObject({
      title: 'New branch',
      description: 'Merge request description',
      sourceBranch: 'new-branch',
      targetBranch: 'main',
    });
  });

  it('validates like GitLab: no subject means no source branch; one open MR per source branch', async () => {
    expect(await mergeRequest(world.project, '  ', [])).toEqual({
      saved: false,
      errors: ['You must select source and target branch'],
    });
    expect(await mergeRequest(world.project, 'main', [])).toEqual({
      saved: false,
      errors: ["You can't use same project/branch for source and target"],
    });
    expect(await mergeRequest(world.project, 'feature', [])).toMatchObject({ saved: true });
    expect(await mergeRequest(world.project, 'feature', [])).toEqual({
      saved: false,
      errors: ['Another open merge request already exists for this source branch: !1'],
    });
  });

  it('keeps merge request iids apart from issue iids, and announces mergeRequestCreated', async () => {
    const seen: string[] = [];
    world.tracker.on('mergeRequestCreated', ({ mergeRequest }) =>
      seen.push(`!${mergeRequest.iid} ${mergeRequest.sourceBranch}`),
    );
    must(world.tracker.createIssue({ project: world.project, author: world.jake, title: 'Issue', description: '' }));
    await mergeRequest(world.project, 'feature', []);
    expect(world.tracker.mergeRequest(world.project, 1)?.sourceBranch).toBe('feature');
    expect(seen).toEqual(['!1 feature']);
  });
});
