import type { NoteableType, Project } from '../../handlers/sink.js';
import { issueAsNoteable, mergeRequestAsNoteable, type Tracker } from '../../tracker/index.js';
import type { Subject } from './recipients.js';

/**
 * The noteable as it is now, not as the event saw it: mail goes out a little later, and an issue
 * made confidential meanwhile must not reach guests. Null when it was deleted.
 */
export function currentSubject(tracker: Tracker, project: Project, type: NoteableType, id: number): Subject | null {
  const current = tracker.projectById(project.id) ?? project;
  if (type === 'Issue') {
    const issue = tracker.issueById(id);
    return (
      issue && {
        project: current,
        noteable: issueAsNoteable(issue),
        authorId: issue.authorId,
        assigneeIds: issue.assigneeIds,
      }
    );
  }
  const mergeRequest = tracker.mergeRequestById(id);
  return (
    mergeRequest && {
      project: current,
      noteable: mergeRequestAsNoteable(mergeRequest),
      authorId: mergeRequest.authorId,
      assigneeIds: mergeRequest.assigneeIds,
    }
  );
}
