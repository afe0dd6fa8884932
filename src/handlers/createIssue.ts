import type { NewIssueTarget } from '../address/index.js';
import { composeBody } from './body.js';
import { checkPermission, invalidRecordMessage, resolveProject } from './checks.js';
import type { HandlerContext } from './context.js';
import { processingError } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

/** New issue by email: the subject is the title, the whole body (quotes kept) the description. */
export async function createIssue(context: HandlerContext<NewIssueTarget>): Promise<HandlerResult> {
  const { sink, target } = context;
  const project = await resolveProject(sink, target.project);
  if (!project) return failed(processingError('ProjectNotFound'));
  const author = await sink.userByIncomingEmailToken(target.token);
  const denied = await checkPermission(sink, author, 'create_issue', project);
  if (denied || !author) return failed(denied ?? processingError('UserNotFoundError'));
  const description = await composeBody(context, 'messageIncludingReplyOrOnlyQuotes', project, author);
  const issue = await sink.createIssue({
    idempotencyKey: context.idempotencyKey,
    project,
    author,
    title: context.mail.subject,
    description,
  });
  if (!issue.saved) return failed(processingError('InvalidIssueError', invalidRecordMessage('issue', issue.errors)));
  return succeeded({ issue: issue.record.id, iid: issue.record.iid, project: project.fullPath });
}
