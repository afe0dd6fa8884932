import type { NewMergeRequestTarget } from '../address/index.js';
import { composeBody } from './body.js';
import { checkPermission, invalidRecordMessage, resolveProject } from './checks.js';
import type { HandlerContext } from './context.js';
import { processingError } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

const isPatch = (filename: string) => filename.endsWith('.patch');

/** New merge request by email: the subject names the source branch; `.patch` files become its commits. */
export async function createMergeRequest(context: HandlerContext<NewMergeRequestTarget>): Promise<HandlerResult> {
  const { sink, target } = context;
  const project = await resolveProject(sink, target.project);
  if (!project) return failed(processingError('ProjectNotFound'));
  const author = await sink.userByIncomingEmailToken(target.token);
  const denied =
    (await checkPermission(sink, author, 'create_merge_request_in', project)) ??
    (await checkPermission(sink, author, 'create_merge_request_from', project));
  if (denied || !author) return failed(denied ?? processingError('UserNotFoundError'));
  const attachments = await context.text.attachments();
  const patches = attachments
    .filter((a) => isPatch(a.filename))
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  // Applied patches are commits, not uploads.
  const description = await composeBody(context, 'message', project, author, (a) => !isPatch(a.filename));
  const sourceBranch = context.mail.subject;
  const created = await sink.createMergeRequest({
    idempotencyKey: context.idempotencyKey,
    project,
    author,
    sourceBranch,
    description,
    patches,
  });
  if ('patchFailed' in created) {
    return failed(
      processingError('InvalidAttachment', `Could not apply patches to ${sourceBranch}:\n${created.patchFailed}`),
    );
  }
  if (!created.saved)
    return failed(processingError('InvalidMergeRequestError', invalidRecordMessage('merge_request', created.errors)));
  return succeeded({ mergeRequest: created.record.id, iid: created.record.iid, sourceBranch, patches: patches.length });
}
