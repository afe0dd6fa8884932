import type { Noteable, User } from '../handlers/sink.js';
import { assigneeIdsOf, noteableById, updateNoteable } from './noteables.js';
import { insertNote, newDiscussionId } from './notes.js';
import { projectById } from './projects.js';
import type { TrackerContext } from './types.js';
import { userById } from './users.js';

const REOPENED_NOTICE =
  ':wave: This issue has been reopened because it received a new comment from an external participant.';

/**
 * Reopens a closed issue. When the Support Bot does it (an external participant wrote), GitLab
 * leaves an internal note that mentions the assignees; the note's `/reopen` line is the action
 * itself, so it is done here and not kept in the text. Reopening an open issue does nothing, so a
 * retried delivery adds no second note.
 */
export function reopenIssue(ctx: TrackerContext, issue: Noteable, by: User): boolean {
  return ctx.db
    .transaction((): boolean => {
      const current = noteableById(ctx, issue.type, issue.id);
      const project = current && projectById(ctx, current.projectId);
      if (!current || !project || current.state !== 'closed') return false;
      updateNoteable(ctx, current, { state: 'opened' });
      if (by.isSupportBot) {
        const mentions = assigneeIdsOf(ctx, current.type, current.id)
          .map((id) => userById(ctx, id))
          .filter((user): user is User => user !== null)
          .map((user) => `@${user.username}`);
        const note = insertNote(ctx, {
          project,
          noteable: current,
          author: by,
          body: [...mentions, REOPENED_NOTICE].join(' '),
          discussionId: newDiscussionId(),
          internal: true,
          externalAuthor: null,
        });
        const noteable = { ...current, state: 'opened' as const };
        ctx.events.emit('noteCreated', { note, noteable, project, author: by });
      }
      return true;
    })
    .immediate();
}
