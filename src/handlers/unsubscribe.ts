import type { UnsubscribeTarget } from '../address/index.js';
import type { HandlerContext } from './context.js';
import { processingError } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

/** Unsubscribe the notification's recipient from its noteable; the body is never read. */
export async function unsubscribe(context: HandlerContext<UnsubscribeTarget>): Promise<HandlerResult> {
  const notification = await context.sink.sentNotification(context.target.replyKey.text);
  if (!notification) return failed(processingError('SentNotificationNotFoundError'));
  if (!notification.unsubscribable)
    return succeeded({ unsubscribed: false, reason: 'not something one can unsubscribe from' });
  if (!notification.noteable) return failed(processingError('NoteableNotFoundError'));
  await context.sink.unsubscribe(notification);
  return succeeded({
    unsubscribed: true,
    user: notification.recipient.username,
    noteable: `${notification.noteable.type}#${notification.noteable.iid}`,
  });
}
