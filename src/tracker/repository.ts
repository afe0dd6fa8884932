import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git, gitOrThrow, identityEnv } from './git.js';

export interface Commit {
  sha: string;
  subject: string;
  body: string;
}

const INITIAL_FILES = { 'README.md': '# New project\n' };

/** A scratch directory that is always removed, whatever `work` does. */
export async function withScratchDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'postroom-git-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `git init --bare`, then one commit holding `files` on the default branch. */
export async function initBareRepository(
  repositoryPath: string,
  defaultBranch: string,
  files: Record<string, string> = INITIAL_FILES,
): Promise<void> {
  await mkdir(path.dirname(repositoryPath), { recursive: true });
  await gitOrThrow(['init', '--quiet', '--bare', repositoryPath]);
  await gitOrThrow(['symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`], { cwd: repositoryPath });
  await withScratchDir(async (work) => {
    await gitOrThrow(['init', '--quiet', work]);
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(work, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await gitOrThrow(['add', '--all'], { cwd: work });
    await gitOrThrow(['commit', '--quiet', '-m', 'Initial commit'], {
      cwd: work,
      env: identityEnv('Postroom', 'postroom@localhost'),
    });
    await gitOrThrow(['push', '--quiet', repositoryPath, `HEAD:refs/heads/${defaultBranch}`], { cwd: work });
  });
}

export async function branchExists(repositoryPath: string, branch: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repositoryPath })).ok;
}

export async function isValidBranchName(branch: string): Promise<boolean> {
  return branch !== '' && !branch.startsWith('-') && (await git(['check-ref-format', '--branch', branch])).ok;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Commits on `head` that are not on `base`, oldest first. */
export async function commitsBetween(repositoryPath: string, base: string, head: string): Promise<Commit[]> {
  const out = await gitOrThrow(
    ['log', '--reverse', `--format=%H${FIELD}%s${FIELD}%b${RECORD}`, `refs/heads/${base}..refs/heads/${head}`, '--'],
    { cwd: repositoryPath },
  );
  return out
    .split(RECORD)
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [sha, subject, body] = record.split(FIELD);
      return { sha, subject, body: body.trim() };
    });
}
