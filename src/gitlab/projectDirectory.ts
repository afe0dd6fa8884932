import { fullPathSlug, type MailTarget, type ProjectRef } from '../address/index.js';
import type { KeyDirectory } from '../smtp/keyDirectory.js';

export interface GitlabDirectoryOptions {
  gitlabUrl: string;
  apiToken: string;
  timeoutMs: number;
  cacheTtlMs: number;
  now?: () => number;
}

interface Known {
  /** The project's full path, or null when GitLab says there is none. */
  fullPath: string | null;
  until: number;
}

/**
 * RCPT TO with a real GitLab behind: a project key must name a project that exists, with the
 * slug of its path. Answers are cached; a GitLab that is slow or failing makes `knows` throw,
 * which the policy answers with 451, never a wrong 550. Reply keys and tokens have no API to
 * ask, so their grammar is enough.
 */
export function gitlabKeyDirectory(options: GitlabDirectoryOptions): KeyDirectory {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Known>();
  const base = options.gitlabUrl.replace(/\/+$/, '');

  async function fullPathOf(idOrPath: string): Promise<string | null> {
    const cached = cache.get(idOrPath);
    if (cached && cached.until > now()) return cached.fullPath;
    let response: Response;
    try {
      response = await fetch(`${base}/api/v4/projects/${encodeURIComponent(idOrPath)}`, {
        headers: { 'PRIVATE-TOKEN': options.apiToken },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new Error(
        `GitLab did not answer about project ${idOrPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.status === 404) {
      cache.set(idOrPath, { fullPath: null, until: now() + options.cacheTtlMs });
      return null;
    }
    if (!response.ok) throw new Error(`GitLab answered ${response.status} about project ${idOrPath}`);
    const project = (await response.json()) as { path_with_namespace?: string };
    const fullPath = project.path_with_namespace ?? null;
    cache.set(idOrPath, { fullPath, until: now() + options.cacheTtlMs });
    return fullPath;
  }

  async function projectMatches(ref: ProjectRef): Promise<boolean> {
    switch (ref.by) {
      case 'id': {
        const fullPath = await fullPathOf(String(ref.id));
        return fullPath !== null && fullPathSlug(fullPath) === ref.slug;
      }
      case 'path':
        return (await fullPathOf(ref.path)) !== null;
      case 'serviceDeskKey':
        // Project keys live in Service Desk settings, which the REST API does not search by.
        return true;
    }
  }

  return {
    knows(target: MailTarget) {
      return target.kind === 'reply' || target.kind === 'unsubscribe' ? true : projectMatches(target.project);
    },
  };
}
