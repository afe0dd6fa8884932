import type { Attachment, CreatedMergeRequest, Project, Saved, User } from '../handlers/sink.js';
import { authoredText, branchesNamedBy } from './authoredText.js';
import { applyOnce, appliedResult } from './idempotency.js';
import { insertMergeRequest, mergeRequestAsNoteable, mergeRequestById, openMergeRequestFrom } from './mergeRequests.js';
import { applyPatchSeries } from './patches.js';
import { projectDetails } from './projects.js';
import { applyQuickActions } from './quickActionApplier.js';
import { branchExists, commitsBetween, type Commit } from './repository.js';
import { subscribeParticipant } from './subscriptions.js';
import type { MergeRequestRecord, TrackerContext } from './types.js';
import { Errors, invalid, saved } from './validation.js';

const TITLE_MAX = 255;
const DESCRIPTION_MAX = 1_048_576;

export interface MergeRequestInput {
  /** null for a direct call, which always applies. */
  idempotencyKey: string | null;
  project: Project;
  author: User;
  sourceBranch: string;
  description: string;
  /** `.patch` attachments in the order they apply; a project without a repository refuses them. */
  patches: Attachment[];
  /** An API may name these; by email they come from the branch and `/target_branch`. */
  title?: string;
  targetBranch?: string;
}

export type MergeRequestOutcome = Saved<CreatedMergeRequest> | { patchFailed: string };

/**
 * GitLab's MergeRequests::BuildService + CreateService, with CommitPatchService for patches. With a
 * repository the branches are real: patches make the source branch (which must not exist yet), and
 * without patches it must exist. Without a repository, branches are only names, and patches are
 * refused as GitLab's CommitPatchService refuses them on an empty repository: never dropped unseen.
 */
export async function createMergeRequest(ctx: TrackerContext, input: MergeRequestInput): Promise<MergeRequestOutcome> {
  const key = input.idempotencyKey;
  if (key !== null) {
    const earlier = appliedResult<Saved<CreatedMergeRequest>>(ctx, key);
    if (earlier) return earlier;
  }
  const { project, author } = input;
  const details = projectDetails(ctx, project.id);
  if (!details) return invalid('Project not found');
  const repositoryPath = details.repositoryPath;
  const { text, actions } = authoredText(author, input.description);
  const existingBranches = await branchesNamedBy(ctx, project, actions);
  const sourceBranch = input.sourceBranch.trim();
  // GitLab's BuildService reads /target_branch before anything else: patches start from it.
  const requestedTarget = actions
    .filter((action) => action.name === 'target_branch')
    .at(-1)
    ?.argument.trim();
  const targetBranch =
    requestedTarget && (!existingBranches || existingBranches.has(requestedTarget))
      ? requestedTarget
      : (input.targetBranch ?? details.defaultBranch);

  if (!repositoryPath && input.patches.length > 0) {
    return { patchFailed: `${project.fullPath} has no repository to apply patches to` };
  }
  const branchErrors = await validateBranches(ctx, project, sourceBranch, targetBranch, repositoryPath);
  if (branchErrors.any) return branchErrors.result();

  let commits: Commit[] = [];
  if (repositoryPath) {
    if (input.patches.length > 0) {
      const outcome = await pushPatches(
        ctx,
        key,
        project,
        author,
        repositoryPath,
        targetBranch,
        sourceBranch,
        input.patches,
      );
      if (outcome) return outcome;
    } else if (!(await branchExists(repositoryPath, sourceBranch))) {
      return invalid(`Source branch "${sourceBranch}" does not exist`);
    }
    commits = await commitsBetween(repositoryPath, targetBranch, sourceBranch);
  }

  // One commit gives its title and message, as GitLab's BuildService; otherwise the branch name does.
  const only = commits.length === 1 ? commits[0] : null;
  const title = (input.title ?? only?.subject ?? humanizeBranch(sourceBranch)).trim();
  const description = text !== '' ? text : (only?.body ?? '');
  const errors = new Errors();
  errors.blank('Title', title);
  errors.tooLong('Title', title, TITLE_MAX);
  errors.tooLong('Description', description, DESCRIPTION_MAX);
  if (errors.any) return errors.result();

  return applyOnce(ctx, key, () => {
    const open = openMergeRequestFrom(ctx, project.id, sourceBranch);
    if (open)
      return {
        result: invalid(`Another open merge request already exists for this source branch: !${open.iid}`),
        keep: false,
      };
    const id = insertMergeRequest(ctx, {
      projectId: project.id,
      title,
      description,
      authorId: author.id,
      sourceBranch,
      targetBranch,
    });
    const noteable = mergeRequestAsNoteable(mergeRequestById(ctx, id) as MergeRequestRecord);
    applyQuickActions(ctx, { actor: author, project, noteable, creating: true, existingBranches }, actions);
    subscribeParticipant(ctx, author.id, noteable);
    if (key !== null) ctx.prepare('DELETE FROM pending_branches WHERE idempotency_key = ?').run(key);
    const mergeRequest = mergeRequestById(ctx, id) as MergeRequestRecord;
    return {
      result: saved({ id, iid: mergeRequest.iid }),
      keep: true,
      announce: () => ctx.events.emit('mergeRequestCreated', { mergeRequest, project, author }),
    };
  });
}

async function validateBranches(
  ctx: TrackerContext,
  project: Project,
  sourceBranch: string,
  targetBranch: string,
  repositoryPath: string | null,
): Promise<Errors> {
  const errors = new Errors();
  if (sourceBranch === '' || targetBranch === '') {
    errors.add('You must select source and target branch');
    return errors;
  }
  if (sourceBranch === targetBranch) errors.add("You can't use same project/branch for source and target");
  if (repositoryPath && !(await branchExists(repositoryPath, targetBranch)))
    errors.add(`Target branch "${targetBranch}" does not exist`);
  const open = openMergeRequestFrom(ctx, project.id, sourceBranch);
  if (open) errors.add(`Another open merge request already exists for this source branch: !${open.iid}`);
  return errors;
}

/**
 * Pushes the patched branch, noting it first as this action's: if the process dies before the
 * merge request is committed, the retried delivery may replace the branch instead of finding it
 * "already exists". Returns the failure, or null when the branch is in place.
 */
async function pushPatches(
  ctx: TrackerContext,
  key: string | null,
  project: Project,
  author: User,
  repositoryPath: string,
  startBranch: string,
  branch: string,
  patches: Attachment[],
): Promise<{ patchFailed: string } | null> {
  let mayReplaceBranch = false;
  if (key !== null) {
    const pending = ctx.prepare('SELECT branch FROM pending_branches WHERE idempotency_key = ?').get(key) as
      { branch: string } | undefined;
    mayReplaceBranch = pending?.branch === branch;
    ctx
      .prepare('INSERT OR REPLACE INTO pending_branches (idempotency_key, project_id, branch) VALUES (?, ?, ?)')
      .run(key, project.id, branch);
  }
  const outcome = await applyPatchSeries({
    repositoryPath,
    startBranch,
    branch,
    patches,
    committer: { name: author.name, email: author.email },
    mayReplaceBranch,
  });
  if (outcome.applied) return null;
  if (key !== null && !mayReplaceBranch) ctx.prepare('DELETE FROM pending_branches WHERE idempotency_key = ?').run(key);
  return { patchFailed: outcome.message };
}

/** Rails' `titleize.humanize`: `new-branch-with-a-patch` → `New branch with a patch`. */
export function humanizeBranch(branch: string): string {
  const words = branch
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/[-_\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
