import type { Noteable, Project } from '../../handlers/sink.js';
import { issueAsNoteable, mergeRequestAsNoteable, type Tracker } from '../../tracker/index.js';
import { created, forbidden, invalidRecord, json, notFound } from '../reply.js';
import type { ApiRequest, Route } from '../types.js';
import { findProject, findUser, iidParam, requireTracker } from './lookup.js';

type Kind = 'issues' | 'merge_requests';

function noteableOf(tracker: Tracker, project: Project, kind: Kind, iid: number): Noteable {
  if (kind === 'issues') {
    const issue = tracker.issue(project, iid);
    if (!issue) throw notFound('Issue');
    return issueAsNoteable(issue);
  }
  const mergeRequest = tracker.mergeRequest(project, iid);
  if (!mergeRequest) throw notFound('Merge Request');
  return mergeRequestAsNoteable(mergeRequest);
}

function target({ params, deps }: ApiRequest, kind: Kind) {
  const tracker = requireTracker(deps);
  const project = findProject(tracker, params.project);
  return { tracker, project, noteable: noteableOf(tracker, project, kind, iidParam(params.iid)) };
}

/** GET …/:kind/:iid/notes: every note, internal ones included (the token is an administrator's). */
const listNotes = (kind: Kind): Route => ({
  method: 'GET',
  path: `/api/projects/:project/${kind}/:iid/notes`,
  handle(request) {
    const { tracker, noteable } = target(request, kind);
    return json(tracker.notes(noteable));
  },
});

/**
 * POST …/:kind/:iid/notes {author (id or username), body, internal?, discussionId?}: through the
 * tracker, with the author's rights, so its noteCreated event sends the notifications.
 */
const createNote = (kind: Kind): Route => ({
  method: 'POST',
  path: `/api/projects/:project/${kind}/:iid/notes`,
  async handle(request) {
    const { tracker, project, noteable } = target(request, kind);
    const fields = await request.body();
    const author = findUser(tracker, fields.reference('author'), 'Author');
    const body = fields.string('body');
    const internal = fields.boolean('internal');
    const discussionId = fields.optionalString('discussionId');
    if (!tracker.can(author, 'create_note', project, noteable))
      throw forbidden(`${author.username} cannot comment here`);
    const result = await tracker.createNote({ project, noteable, author, body, internal, discussionId });
    if (!result.saved) throw invalidRecord(result.errors);
    // A body of quick actions only keeps no note; say what happened instead of a note that is not there.
    if (result.record.commandsOnly) return json({ commandsOnly: true, noteableId: result.record.noteableId });
    return created(tracker.noteById(result.record.id));
  },
});

export const noteRoutes: Route[] = [
  listNotes('issues'),
  createNote('issues'),
  listNotes('merge_requests'),
  createNote('merge_requests'),
];
