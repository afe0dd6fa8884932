import type { CreatedIssue, IssueToCreate, Saved } from '../handlers/sink.js';
import { authoredText } from './authoredText.js';
import { applyOnce, appliedResult } from './idempotency.js';
import { insertIssue, issueAsNoteable, issueById } from './issues.js';
import { normaliseMessageId } from './messageId.js';
import { applyQuickActions } from './quickActionApplier.js';
import { subscribeParticipant } from './subscriptions.js';
import type { IssueRecord, TrackerContext } from './types.js';
import { Errors, saved } from './validation.js';

const TITLE_MAX = 255;
const DESCRIPTION_MAX = 1_048_576;

/**
 * The Sink's input; a direct call (API, seed) passes a null key and always applies. An unset
 * `confidential` on a Support Bot ticket follows "tickets confidential by default".
 */
export type IssueInput = Omit<IssueToCreate, 'idempotencyKey'> & { idempotencyKey: string | null };

/**
 * GitLab's Issues::CreateService: quick actions in the description run with the author's rights
 * once the issue exists (close, reopen and title are for existing issues only). The caller checks
 * `create_issue`.
 */
export function createIssue(ctx: TrackerContext, input: IssueInput): Saved<CreatedIssue> {
  if (input.idempotencyKey !== null) {
    const earlier = appliedResult<Saved<CreatedIssue>>(ctx, input.idempotencyKey);
    if (earlier) return earlier;
  }
  const { text, actions } = authoredText(input.author, input.description);
  const title = input.title.trim();
  const errors = new Errors();
  errors.blank('Title', title);
  errors.tooLong('Title', title, TITLE_MAX);
  errors.tooLong('Description', text, DESCRIPTION_MAX);
  if (errors.any) return errors.result();

  return applyOnce(ctx, input.idempotencyKey, () => {
    const id = insertIssue(ctx, {
      projectId: input.project.id,
      title,
      description: text,
      authorId: input.author.id,
      confidential:
        input.confidential ?? (input.author.isSupportBot && input.project.serviceDesk.ticketsConfidentialByDefault),
      externalAuthor: input.externalAuthor ?? null,
    });
    const created = issueById(ctx, id) as IssueRecord;
    if (input.emailMessageId) {
      // GitLab only logs a failure to record the Message-ID; a duplicate keeps the first ticket.
      ctx
        .prepare('INSERT OR IGNORE INTO issue_emails (issue_id, project_id, message_id) VALUES (?, ?, ?)')
        .run(id, input.project.id, normaliseMessageId(input.emailMessageId));
    }
    const noteable = issueAsNoteable(created);
    applyQuickActions(
      ctx,
      { actor: input.author, project: input.project, noteable, creating: true, existingBranches: null },
      actions,
    );
    if (!input.author.isSupportBot) subscribeParticipant(ctx, input.author.id, noteable);
    const issue = issueById(ctx, id) as IssueRecord;
    return {
      result: saved({ id, iid: issue.iid }),
      keep: true,
      announce: () => ctx.events.emit('issueCreated', { issue, project: input.project, author: input.author }),
    };
  });
}
