import type { ReplyTarget } from '../address/index.js';
import { composeBody } from './body.js';
import { checkPermission, invalidRecordMessage } from './checks.js';
import type { HandlerContext } from './context.js';
import { processingError, senderRefused } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

/** Reply by email: a note on the notification's noteable, by the notification's recipient. */
export async function createNote(context: HandlerContext<ReplyTarget>): Promise<HandlerResult> {
  const { sink } = context;
  const notification = await sink.sentNotification(context.target.replyKey.text);
  if (!notification) return failed(processingError('SentNotificationNotFoundError'));
  const author = notification.recipient;
  const denied = await checkPermission(sink, author, 'create_note', notification.project, notification.noteable);
  if (denied) return failed(denied);
  // A forwarded notification must not let someone else write as the recipient, nor a forged From.
  if (!author.isSupportBot) {
    const { sender } = context;
    if (!sender.accepted) return failed(senderRefused(sender.reason));
    if (!sender.address || !(await sink.isVerifiedEmail(author, sender.address)))
      return failed(processingError('UserNotFoundError'));
  }
  const { noteable, project } = notification;
  if (!noteable || !project) return failed(processingError('NoteableNotFoundError'));
  const body = await composeBody(
    context,
    noteable.type === 'Issue' ? 'messageWithAppendedReply' : 'message',
    project,
    author,
  );
  if (body.trim() === '') return failed(processingError('EmptyEmailError'));
  const note = await sink.createNote({
    idempotencyKey: context.idempotencyKey,
    project,
    noteable,
    author,
    body,
    discussionId: notification.discussionId,
    externalAuthor: author.isSupportBot ? context.fromAddress : null,
  });
  if (!note.saved) return failed(processingError('InvalidNoteError', invalidRecordMessage('comment', note.errors)));
  if (noteable.state === 'closed' && author.isSupportBot && project.serviceDesk.reopenIssueOnExternalParticipantNote) {
    await sink.reopen(noteable, author);
  }
  return succeeded({
    note: note.record.id,
    noteable: `${noteable.type}#${noteable.iid}`,
    commandsOnly: note.record.commandsOnly,
  });
}
