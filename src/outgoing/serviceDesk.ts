import type { Noteable, Project } from '../handlers/sink.js';
import type { OutgoingContext } from './context.js';
import { bracketed, outgoingMessage, type MailAddress, type OutgoingMessage } from './message.js';
import {
  noteableHeaders,
  projectHeaders,
  replyHeaders,
  threading,
  unsubscribeUrl,
  type Threading,
} from './threadHeaders.js';

export interface ServiceDeskThankYouInput {
  project: Project;
  ticket: Noteable;
  /** The ticket's external author. */
  customer: string;
  replyKey: string | null;
  /** The customer's mail that opened the ticket: the thank-you answers it in their mailbox. */
  customerMessageId?: string | null;
}

export interface ServiceDeskNote {
  id: number;
  body: string;
  /** Internal notes are for the team only and never leave by mail. */
  internal: boolean;
  authorName: string;
  /** Set when a customer wrote the note by mail: they already have it. */
  externalAuthor?: string | null;
}

export interface ServiceDeskParticipant {
  address: string;
  replyKey: string | null;
}

export interface ServiceDeskNoteInput {
  project: Project;
  ticket: Noteable;
  note: ServiceDeskNote;
  participants: readonly ServiceDeskParticipant[];
}

export function buildServiceDeskThankYou(context: OutgoingContext, input: ServiceDeskThankYouInput): OutgoingMessage {
  const { project, ticket, customer, replyKey } = input;
  const thread = answerCustomer(threading(context, ticket, replyKey), input.customerMessageId);
  return serviceDeskMail(context, project, ticket, customer, replyKey, thread, {
    from: { name: `${project.name} via ${context.from.name}`, address: context.from.address },
    text: `Thank you for your support request. We are tracking it as ticket #${ticket.iid} and will get back to you as soon as we can.`,
  });
}

/** One mail per external participant for a note the customer may see; none for an internal note. */
export function buildServiceDeskNoteMails(context: OutgoingContext, input: ServiceDeskNoteInput): OutgoingMessage[] {
  const { project, ticket, note } = input;
  if (note.internal) return [];
  const author = note.externalAuthor?.toLowerCase();
  return input.participants
    .filter((participant) => participant.address.toLowerCase() !== author)
    .map((participant) =>
      serviceDeskMail(
        context,
        project,
        ticket,
        participant.address,
        participant.replyKey,
        threading(context, ticket, participant.replyKey),
        {
          from: { name: `${note.authorName} via ${project.name}`, address: context.from.address },
          text: note.body.trimEnd(),
        },
      ),
    );
}

/** Threads under the customer's own first mail when known, which is what their mailbox holds. */
function answerCustomer(thread: Threading, customerMessageId: string | null | undefined): Threading {
  if (!customerMessageId) return thread;
  const original = bracketed(customerMessageId);
  return { ...thread, inReplyTo: original, references: [...thread.references, original] };
}

function serviceDeskMail(
  context: OutgoingContext,
  project: Project,
  ticket: Noteable,
  to: string,
  replyKey: string | null,
  thread: Threading,
  content: { from: MailAddress; text: string },
): OutgoingMessage {
  const reply = replyHeaders(context, project, replyKey);
  const footer = [
    ...(reply.replyTo ? ['Reply to this email to add to your request.'] : []),
    ...(replyKey ? [`To stop receiving updates on this request: ${unsubscribeUrl(context, replyKey)}`] : []),
  ];
  const signature = footer.length > 0 ? `\n\n-- \n${footer.join('\n')}` : '';
  return outgoingMessage({
    kind: 'service_desk',
    from: content.from,
    to: [{ address: to }],
    replyTo: reply.replyTo,
    // The customer's client threads on subject too; GitLab's ticket mail always reads as an answer.
    subject: `Re: ${ticket.title} (#${ticket.iid})`,
    ...thread,
    headers: [...projectHeaders(project, context.host), ...noteableHeaders(ticket), ...reply.headers],
    text: `${content.text}${signature}\n`,
  });
}
