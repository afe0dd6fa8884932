import type { TrackerContext } from './types.js';

export interface AddressParts {
  projects: { fullPath: string; slug: string; id: number; serviceDeskKey: string | null }[];
  /** The longest incoming-email token of an active user: the one that makes the longest personal address. */
  longestToken: string | null;
}

/** What the tracker's real addresses are made of, for `check`'s 64-character rule. */
export function addressParts(ctx: TrackerContext): AddressParts {
  const projects = ctx
    .prepare('SELECT full_path, slug, id, service_desk_project_key FROM projects ORDER BY id')
    .all() as { full_path: string; slug: string; id: number; service_desk_project_key: string | null }[];
  const token = ctx
    .prepare(
      'SELECT incoming_email_token FROM users WHERE blocked = 0 AND is_support_bot = 0 ORDER BY length(incoming_email_token) DESC LIMIT 1',
    )
    .get() as { incoming_email_token: string } | undefined;
  return {
    projects: projects.map((p) => ({
      fullPath: p.full_path,
      slug: p.slug,
      id: p.id,
      serviceDeskKey: p.service_desk_project_key,
    })),
    longestToken: token?.incoming_email_token ?? null,
  };
}
