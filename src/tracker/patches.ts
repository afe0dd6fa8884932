import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Attachment } from '../handlers/sink.js';
import { git, gitOrThrow, identityEnv } from './git.js';
import { branchExists, isValidBranchName, withScratchDir } from './repository.js';

export interface PatchSeries {
  repositoryPath: string;
  /** Where the new branch starts: the merge request's target branch. */
  startBranch: string;
  branch: string;
  /** Already in the order they apply in. */
  patches: Attachment[];
  committer: { name: string; email: string };
  /** Set when this same action pushed the branch before crashing: its branch may be replaced. */
  mayReplaceBranch: boolean;
}

export type PatchOutcome = { applied: true } | { applied: false; message: string };

/**
 * GitLab's CommitPatchService: `git am` the series onto a new branch cut from the start branch,
 * in a scratch clone, then push the branch to the bare repository. Nothing is pushed unless every
 * patch applied.
 */
export async function applyPatchSeries(series: PatchSeries): Promise<PatchOutcome> {
  const { repositoryPath, startBranch, branch } = series;
  if (!(await isValidBranchName(branch)))
    return failed(`Something went wrong when we tried to create '${branch}' for you: Branch name is invalid`);
  if (!series.mayReplaceBranch && (await branchExists(repositoryPath, branch))) {
    return failed(`Something went wrong when we tried to create '${branch}' for you: Branch already exists`);
  }
  if (!(await branchExists(repositoryPath, startBranch))) return failed('Invalid start branch name');

  return withScratchDir(async (scratch) => {
    const work = path.join(scratch, 'work');
    await gitOrThrow([
      'clone',
      '--quiet',
      '--no-tags',
      '--single-branch',
      '--branch',
      startBranch,
      repositoryPath,
      work,
    ]);
    const files: string[] = [];
    for (const [index, patch] of series.patches.entries()) {
      const file = path.join(scratch, `${String(index).padStart(4, '0')}.patch`);
      await writeFile(file, patch.content);
      files.push(file);
    }
    // An empty --resolvemsg drops git's advice on continuing an am session nobody will see.
    const am = await git(['am', '--quiet', '--keep-cr', '--resolvemsg=', ...files], {
      cwd: work,
      env: identityEnv(series.committer.name, series.committer.email),
    });
    if (!am.ok) return failed(gitMessage(am.stderr, am.stdout));
    const refspec = `${series.mayReplaceBranch ? '+' : ''}HEAD:refs/heads/${branch}`;
    await gitOrThrow(['push', '--quiet', 'origin', refspec], { cwd: work });
    return { applied: true } as const;
  });
}

const failed = (message: string): PatchOutcome => ({ applied: false, message });

/** git's own words, without its hints. */
function gitMessage(stderr: string, stdout: string): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('hint:'));
  return lines.join('\n') || 'the patches could not be applied';
}
