import type { ServiceDeskSettings } from '../../handlers/sink.js';
import type { Fields } from '../fields.js';
import { badRequest, invalidRecord, json } from '../reply.js';
import type { Route } from '../types.js';
import { serviceDeskAddress } from '../addresses.js';
import { findProject, requireTracker } from './lookup.js';

const FLAGS = [
  'enabled',
  'ticketsConfidentialByDefault',
  'addExternalParticipantsFromCc',
  'reopenIssueOnExternalParticipantNote',
  'addAlignedRepliersAsParticipants',
] as const;

/** Only the fields given change; `projectKey: null` (or "") removes the key. */
function changes(fields: Fields): Partial<ServiceDeskSettings> {
  const settings: Partial<ServiceDeskSettings> = {};
  for (const flag of FLAGS) {
    const value = fields.boolean(flag);
    if (value !== undefined) settings[flag] = value;
  }
  if (fields.given('projectKey')) {
    const projectKey = fields.value('projectKey');
    if (projectKey !== undefined && typeof projectKey !== 'string')
      throw badRequest('projectKey must be a string or null');
    settings.projectKey = projectKey ?? null;
  }
  return settings;
}

/** PUT /api/projects/:project/service_desk {enabled?, projectKey?, …}: the settings and the address customers write to. */
const configureServiceDesk: Route = {
  method: 'PUT',
  path: '/api/projects/:project/service_desk',
  async handle({ params, body, deps }) {
    const tracker = requireTracker(deps);
    const project = findProject(tracker, params.project);
    const result = tracker.configureServiceDesk(project, changes(await body()));
    if (!result.saved) throw invalidRecord(result.errors);
    const updated = tracker.projectById(project.id) ?? project;
    return json({ ...result.record, address: serviceDeskAddress(deps.templates, updated) });
  },
};

export const serviceDeskRoutes: Route[] = [configureServiceDesk];
