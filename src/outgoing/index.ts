export { outgoingContext, type OutgoingContext } from './context.js';
export {
  AUTOMATIC_MAIL_HEADERS,
  bracketed,
  newMessageId,
  outgoingMessage,
  type MailAddress,
  type MailHeader,
  type OutgoingKind,
  type OutgoingMessage,
} from './message.js';
export { ownAddressCheck } from './ownAddresses.js';
export { rejectionReason, type RejectionReason } from './rejectionReasons.js';
export { noticeGate, type NoticeGateDecision, type NoticeRequest, type OriginalMessage } from './noticeGate.js';
export { buildRejectionNotice } from './rejectionNotice.js';
export { NoticeLog, type NoticeReservation } from './noticeLog.js';
export {
  createRejectionNotifier,
  type NoticeOutcome,
  type RejectionNotifier,
  type RejectionNotifierOptions,
} from './rejectionSender.js';
export {
  buildNotification,
  buildNotifications,
  type NotificationEvent,
  type NotificationInput,
  type NotificationRecipient,
} from './notification.js';
export {
  buildServiceDeskNoteMails,
  buildServiceDeskThankYou,
  type ServiceDeskNote,
  type ServiceDeskNoteInput,
  type ServiceDeskParticipant,
  type ServiceDeskThankYouInput,
} from './serviceDesk.js';
export { noteableUrl, replyReferenceId, threadRootId, unsubscribeUrl } from './threadHeaders.js';
export { createMailer, type Mailer, type MailerTimeouts, type MailOutcome } from './mailer.js';
export { composeMail, type ComposedMail } from './compose.js';
export { startNotifications, type Notifications, type NotificationsOptions } from './fanout/index.js';
export { buildSignInMail } from './signInLink.js';
export { headerText, MAX_HEADER_TEXT } from './headerText.js';
export * from './outbox/index.js';
