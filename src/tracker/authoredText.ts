import type { Project, User } from '../handlers/sink.js';
import { targetBranchArguments } from './quickActionApplier.js';
import { extractQuickActions, neutraliseQuickActions, type Extraction, type QuickAction } from './quickActions.js';
import { projectDetails } from './projects.js';
import { branchExists } from './repository.js';
import type { TrackerContext } from './types.js';

/**
 * The text a user wrote, split into what is kept and the quick actions to run. The Support Bot
 * writes on behalf of people outside the project, so its text is neutralised instead: its quick
 * actions show as code and never run.
 */
export function authoredText(author: User, text: string): Extraction {
  if (author.isSupportBot) return { text: neutraliseQuickActions(text).trim(), actions: [] };
  return extractQuickActions(text);
}

/** Which branches named by `/target_branch` exist; null when there are some to look up and the project has no repository. */
export async function branchesNamedBy(
  ctx: TrackerContext,
  project: Project,
  actions: QuickAction[],
): Promise<Set<string> | null> {
  const wanted = targetBranchArguments(actions).filter((branch) => branch !== '');
  // Only /target_branch reads the answer: without one there is nothing to look up.
  if (wanted.length === 0) return new Set();
  const repositoryPath = projectDetails(ctx, project.id)?.repositoryPath ?? null;
  if (!repositoryPath) return null;
  const existing = new Set<string>();
  for (const branch of wanted) if (await branchExists(repositoryPath, branch)) existing.add(branch);
  return existing;
}
