import type { NoteOnIssueTarget } from '../address/index.js';
import { composeBody } from './body.js';
import { checkPermission, invalidRecordMessage, resolveProject } from './checks.js';
import type { HandlerContext } from './context.js';
import { processingError } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

/** A comment sent to an issue's own address: the untrimmed body, so a forwarded thread is kept. */
export async function createNoteOnIssue(context: HandlerContext<NoteOnIssueTarget>): Promise<HandlerResult> {
  const { sink, target } = context;
  const project = await resolveProject(sink, target.project);
  if (!project) return failed(processingError('ProjectNotFound'));
  const author = await sink.userByIncomingEmailToken(target.token);
  const noteable = await sink.issueByIid(project, target.issueIid);
  const denied = await checkPermission(sink, author, 'create_note', project, noteable);
  if (denied || !author) return failed(denied ?? processingError('UserNotFoundError'));
  if (!noteable) return failed(processingError('NoteableNotFoundError'));
  const body = await composeBody(context, 'messageIncludingReply', project, author);
  if (body.trim() === '') return failed(processingError('EmptyEmailError'));
  const note = await sink.createNote({ idempotencyKey: context.idempotencyKey, project, noteable, author, body });
  if (!note.saved) return failed(processingError('InvalidNoteError', invalidRecordMessage('comment', note.errors)));
  return succeeded({ note: note.record.id, noteable: `Issue#${noteable.iid}`, commandsOnly: note.record.commandsOnly });
}
