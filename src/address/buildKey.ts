import { UNSUBSCRIBE_SUFFIX } from './matchers.js';

interface ProjectKeyParts {
  id: number;
  slug: string;
}

/**
 * The keys GitLab hands out, built in exactly the forms parseMailKey reads (the tests check
 * that every one parses back to its own kind).
 */
export const buildMailKey = {
  newIssue: (project: ProjectKeyParts, token: string) => `${project.slug}-${project.id}-${token}-issue`,
  newMergeRequest: (project: ProjectKeyParts, token: string) => `${project.slug}-${project.id}-${token}-merge-request`,
  noteOnIssue: (project: ProjectKeyParts, token: string, iid: number) =>
    `${project.slug}-${project.id}-${token}-issue-${iid}`,
  /** With a project key on the Service Desk address, `<slug>-<key>`; otherwise `<slug>-<id>-issue-`. */
  serviceDesk: (project: ProjectKeyParts, projectKey?: string | null) =>
    projectKey ? `${project.slug}-${projectKey}` : `${project.slug}-${project.id}-issue-`,
  unsubscribe: (replyKey: string) => `${replyKey}${UNSUBSCRIBE_SUFFIX}`,
};
