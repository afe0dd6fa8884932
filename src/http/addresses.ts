import { buildMailKey, compileTemplate, type AddressTemplate } from '../address/index.js';
import type { MailboxConfig } from '../config/index.js';
import type { Project } from '../handlers/sink.js';

/** The configured address templates that carry a key; a dedicated address (no `%{key}`) cannot. */
export interface AddressTemplates {
  incoming: AddressTemplate | null;
  serviceDesk: AddressTemplate | null;
}

export interface PersonalAddresses {
  project: string;
  newIssue: string | null;
  newMergeRequest: string | null;
  serviceDesk: string | null;
}

export function addressTemplates(config: {
  incomingEmail: MailboxConfig;
  serviceDeskEmail: MailboxConfig;
}): AddressTemplates {
  const usable = (mailbox: MailboxConfig): AddressTemplate | null => {
    if (!mailbox.enabled || !mailbox.address) return null;
    const template = compileTemplate(mailbox.address);
    return template.supportsWildcard ? template : null;
  };
  return { incoming: usable(config.incomingEmail), serviceDesk: usable(config.serviceDeskEmail) };
}

/** A user's own addresses for a project: the token in them is what authenticates the sender. */
export function personalAddresses(templates: AddressTemplates, project: Project, token: string): PersonalAddresses {
  const incoming = templates.incoming;
  return {
    project: project.fullPath,
    newIssue: incoming?.build(buildMailKey.newIssue(project, token)) ?? null,
    newMergeRequest: incoming?.build(buildMailKey.newMergeRequest(project, token)) ?? null,
    serviceDesk: serviceDeskAddress(templates, project),
  };
}

/** Where a reply comments on an existing issue without a notification to answer. */
export function issueAddress(templates: AddressTemplates, project: Project, token: string, iid: number): string | null {
  return templates.incoming?.build(buildMailKey.noteOnIssue(project, token, iid)) ?? null;
}

/**
 * GitLab's `service_desk_address`: the Service Desk mailbox with the project key (or `<id>-issue-`)
 * when that mailbox is on, else the incoming one with `<slug>-<id>-issue-`. Null while disabled.
 */
export function serviceDeskAddress(templates: AddressTemplates, project: Project): string | null {
  if (!project.serviceDesk.enabled) return null;
  if (templates.serviceDesk) {
    return templates.serviceDesk.build(buildMailKey.serviceDesk(project, project.serviceDesk.projectKey));
  }
  return templates.incoming?.build(buildMailKey.serviceDesk(project)) ?? null;
}
