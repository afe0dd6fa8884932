import type { User } from '../../handlers/sink.js';
import type { Logger } from '../../log/logger.js';
import type { NoteRecord, Tracker, TrackerEventMap } from '../../tracker/index.js';
import type { OutgoingContext } from '../context.js';
import { isSystemSender } from '../../message/automatic.js';
import type { OutgoingMessage } from '../message.js';
import { buildNotification, type NotificationEvent } from '../notification.js';
import type { Outbox } from '../outbox/index.js';
import { buildServiceDeskNoteMails, buildServiceDeskThankYou } from '../serviceDesk.js';
import {
  issueCreatedRecipients,
  mergeRequestCreatedRecipients,
  noteRecipients,
  type Recipient,
  type Subject,
} from './recipients.js';
import type { Roster } from './roster.js';
import { currentSubject } from './subject.js';

export interface Fanout {
  tracker: Tracker;
  roster: Roster;
  outbox: Outbox;
  context: OutgoingContext;
  log: Logger;
  /** Our own receiving or sending addresses: mail to them would come straight back in. */
  isOwnAddress: (address: string) => boolean;
}

export function issueCreated(fanout: Fanout, { issue, project, author }: TrackerEventMap['issueCreated']): void {
  const subject = currentSubject(fanout.tracker, project, 'Issue', issue.id);
  if (!subject) return;
  const event: NotificationEvent = { kind: 'created', authorName: author.name, description: issue.description };
  notifyUsers(fanout, subject, issueCreatedRecipients(fanout, subject, author), event, null);
}

export function mergeRequestCreated(
  fanout: Fanout,
  { mergeRequest, project, author }: TrackerEventMap['mergeRequestCreated'],
): void {
  const subject = currentSubject(fanout.tracker, project, 'MergeRequest', mergeRequest.id);
  if (!subject) return;
  const event: NotificationEvent = { kind: 'created', authorName: author.name, description: mergeRequest.description };
  notifyUsers(fanout, subject, mergeRequestCreatedRecipients(fanout, subject, author), event, null);
}

export function noteCreated(
  fanout: Fanout,
  { note: announced, noteable, project, author }: TrackerEventMap['noteCreated'],
): void {
  const note = fanout.tracker.noteById(announced.id);
  const subject = note && currentSubject(fanout.tracker, project, noteable.type, noteable.id);
  if (!note || !subject) return;
  // A customer's note is the Support Bot's; say whose words they are.
  const authorName = note.externalAuthor ? `${note.externalAuthor} via ${author.name}` : author.name;
  const event: NotificationEvent = {
    kind: 'note',
    authorName,
    note: { id: note.id, body: note.body, discussionId: note.discussionId },
  };
  // Recorded with the discussion, so a reply by mail joins the thread (GitLab's record_note).
  notifyUsers(fanout, subject, noteRecipients(fanout, subject, author, note.internal), event, note.discussionId);
  mailEmailParticipants(fanout, subject, note, author);
}

export function serviceDeskThankYouDue(
  fanout: Fanout,
  { issue, project, to }: TrackerEventMap['serviceDeskThankYouDue'],
): void {
  const subject = currentSubject(fanout.tracker, project, 'Issue', issue.id);
  if (!subject || refuseOwn(fanout, to)) return;
  // A hint, not proof, so the ticket stands; but a robot is not thanked (that is how loops start).
  if (isSystemSender(to)) {
    fanout.log.info({ to, issueId: issue.id }, 'thank-you not sent: the customer address is a system mailbox');
    return;
  }
  const replyKey = recordForSupportBot(fanout, subject);
  const message = buildServiceDeskThankYou(fanout.context, {
    project: subject.project,
    ticket: subject.noteable,
    customer: to,
    replyKey,
    customerMessageId: fanout.roster.ticketMessageId(issue.id),
  });
  queue(fanout, message, subject, issue.id);
}

function notifyUsers(
  fanout: Fanout,
  subject: Subject,
  recipients: Recipient[],
  event: NotificationEvent,
  discussionId: string | null,
): void {
  const { project, noteable } = subject;
  for (const { user, reason } of recipients) {
    if (refuseOwn(fanout, user.email)) continue;
    const replyKey = fanout.tracker.recordSentNotification({ recipient: user, project, noteable, discussionId });
    const message = buildNotification(
      fanout.context,
      { project, noteable, event },
      { address: user.email, name: user.name, replyKey, reason },
    );
    queue(fanout, message, subject);
  }
}

/**
 * GitLab's send_service_desk_notification: every note the customer may see goes to the ticket's
 * email participants, except the one who wrote it. Each mail's key names the Support Bot, so a
 * reply comes back as the Support Bot's note with the sender as external author.
 */
function mailEmailParticipants(fanout: Fanout, subject: Subject, note: NoteRecord, author: User): void {
  if (subject.noteable.type !== 'Issue' || note.internal || !subject.project.serviceDesk.enabled) return;
  const writer = note.externalAuthor?.toLowerCase();
  const participants = fanout.tracker
    .emailParticipants(subject.noteable)
    .filter((address) => address.toLowerCase() !== writer);
  for (const address of participants) {
    if (refuseOwn(fanout, address)) continue;
    const replyKey = recordForSupportBot(fanout, subject);
    const messages = buildServiceDeskNoteMails(fanout.context, {
      project: subject.project,
      ticket: subject.noteable,
      note: {
        id: note.id,
        body: note.body,
        internal: note.internal,
        authorName: note.externalAuthor ?? author.name,
        externalAuthor: note.externalAuthor,
      },
      participants: [{ address, replyKey }],
    });
    for (const message of messages) queue(fanout, message, subject);
  }
}

/** Service Desk mail: no discussion, so a customer's reply starts a new thread, as in GitLab. */
function recordForSupportBot(fanout: Fanout, subject: Subject): string {
  return fanout.tracker.recordSentNotification({
    recipient: fanout.tracker.supportBot(),
    project: subject.project,
    noteable: subject.noteable,
  });
}

/** Into the outbox, in the transaction of the action the mail is about. */
function queue(fanout: Fanout, message: OutgoingMessage, subject: Subject, thankYouFor?: number): void {
  const entity = { type: subject.noteable.type, id: subject.noteable.id };
  fanout.outbox.enqueue({ message, entity, thankYouFor });
}

function refuseOwn(fanout: Fanout, address: string): boolean {
  if (!fanout.isOwnAddress(address)) return false;
  fanout.log.warn({ to: address }, 'notification not sent: the address is one of our own');
  return true;
}
