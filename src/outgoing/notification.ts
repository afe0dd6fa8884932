import type { Noteable, Project } from '../handlers/sink.js';
import type { OutgoingContext } from './context.js';
import { outgoingMessage, type MailHeader, type OutgoingMessage } from './message.js';
import {
  noteableHeaders,
  noteableReference,
  noteableUrl,
  projectHeaders,
  replyHeaders,
  threading,
  unsubscribeUrl,
} from './threadHeaders.js';

export type NotificationEvent =
  | { kind: 'created'; authorName: string; description: string }
  | { kind: 'note'; authorName: string; note: { id: number; body: string; discussionId?: string | null } };

export interface NotificationInput {
  project: Project;
  noteable: Noteable;
  event: NotificationEvent;
}

export interface NotificationRecipient {
  address: string;
  name?: string;
  /** The key of the SentNotification recorded for this recipient; null when none was recorded. */
  replyKey: string | null;
  /** GitLab's X-GitLab-NotificationReason: `own_activity`, `assigned`, `mentioned`… */
  reason?: string;
}

const NOUNS = { Issue: 'issue', MergeRequest: 'merge request' } as const;

/** One mail for one recipient: each carries its own reply key, so a reply says who wrote it. */
export function buildNotification(
  context: OutgoingContext,
  input: NotificationInput,
  recipient: NotificationRecipient,
): OutgoingMessage {
  const { project, noteable, event } = input;
  const thread = threading(context, noteable, recipient.replyKey);
  const reply = replyHeaders(context, project, recipient.replyKey);
  const headers: MailHeader[] = [
    ...projectHeaders(project, context.host),
    ...noteableHeaders(noteable),
    ...(event.kind === 'note' && event.note.discussionId
      ? [{ name: 'X-GitLab-Discussion-ID', value: event.note.discussionId }]
      : []),
    ...(recipient.reason ? [{ name: 'X-GitLab-NotificationReason', value: recipient.reason }] : []),
    ...reply.headers,
  ];
  const subject = `${project.name} | ${noteable.title} (${noteableReference(noteable)})`;
  return outgoingMessage({
    kind: 'notification',
    from: { name: event.authorName, address: context.from.address },
    to: [{ address: recipient.address, name: recipient.name }],
    replyTo: reply.replyTo,
    subject: event.kind === 'note' ? `Re: ${subject}` : subject,
    ...thread,
    headers,
    text: notificationText(context, input, recipient.replyKey, reply.replyTo !== undefined),
  });
}

function notificationText(
  context: OutgoingContext,
  input: NotificationInput,
  replyKey: string | null,
  canReply: boolean,
): string {
  const { project, noteable, event } = input;
  const url = noteableUrl(context, project, noteable);
  const lead =
    event.kind === 'created'
      ? `${event.authorName} created ${NOUNS[noteable.type]} ${noteableReference(noteable)}:\n\n${event.description}`
      : `${event.authorName} commented:\n\n${event.note.body}`;
  const link = event.kind === 'note' ? `${url}#note_${event.note.id}` : url;
  const footer = [
    canReply ? `Reply to this email directly or view it at ${link}` : `View it at ${link}`,
    ...(replyKey ? [`Unsubscribe: ${unsubscribeUrl(context, replyKey)}`] : []),
  ];
  return `${lead.trimEnd()}\n\n-- \n${footer.join('\n')}\n`;
}
