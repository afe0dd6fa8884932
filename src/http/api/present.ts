import type { Project, User } from '../../handlers/sink.js';
import type { Tracker } from '../../tracker/index.js';
import { personalAddresses, serviceDeskAddress, type AddressTemplates, type PersonalAddresses } from '../addresses.js';
import { findProject } from './lookup.js';

export interface UserView extends User {
  incomingEmailToken: string | null;
  /** Present when asked for with `?project=` (repeatable). */
  addresses?: PersonalAddresses[];
}

/** The user with its incoming email token, and its personal addresses for the projects asked about. */
export function userView(tracker: Tracker, templates: AddressTemplates, user: User, projects: Project[]): UserView {
  const incomingEmailToken = tracker.incomingEmailToken(user);
  const view: UserView = { ...user, incomingEmailToken };
  if (projects.length > 0 && incomingEmailToken) {
    view.addresses = projects.map((project) => personalAddresses(templates, project, incomingEmailToken));
  }
  return view;
}

/** The projects named by `?project=` (id or full path, repeatable); an unknown one is a 404 before anything is written. */
export function projectsAsked(tracker: Tracker, query: URLSearchParams): Project[] {
  return query.getAll('project').map((reference) => findProject(tracker, reference));
}

export function projectView(tracker: Tracker, templates: AddressTemplates, project: Project) {
  const details = tracker.projectDetails(project);
  return {
    ...project,
    visibility: details?.visibility,
    defaultBranch: details?.defaultBranch,
    repositoryPath: details?.repositoryPath ?? null,
    serviceDeskAddress: serviceDeskAddress(templates, project),
  };
}
