export { causingSpoolMessage, withSpoolMessage } from './cause.js';
export { Outbox, type ClaimedMail, type MailToQueue } from './outbox.js';
export { afterFailure, type RetryPolicy } from './retryPolicy.js';
export { startOutboxSender, type OutboxSender, type OutboxSenderOptions } from './sender.js';
export { describeOutgoingMail, outgoingMailOf, type OutgoingMailReader } from './reader.js';
export type { OutboxState, OutgoingMail } from './types.js';
