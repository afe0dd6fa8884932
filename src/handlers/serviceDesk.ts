import type { ServiceDeskTarget } from '../address/index.js';
import { composeBody } from './body.js';
import { resolveProject } from './checks.js';
import type { HandlerContext } from './context.js';
import type { Noteable, Project } from './sink.js';
import { processingError } from './errors.js';
import { failed, succeeded, type HandlerResult } from './result.js';

/**
 * Service Desk: a customer's mail opens a confidential ticket by the Support Bot, or, when it
 * answers a ticket's creating mail (In-Reply-To), becomes a note on it.
 */
export async function serviceDesk(context: HandlerContext<ServiceDeskTarget>): Promise<HandlerResult> {
  const { sink, mail } = context;
  const found = await resolveProject(sink, context.target.project);
  const project = found?.serviceDesk.enabled ? found : null;
  if (!project) return failed(processingError('ProjectNotFound'));
  const bot = await sink.supportBot();
  const from = context.fromAddress ?? null;

  const ticket = mail.inReplyTo ? await sink.ticketByMessageId(project, mail.inReplyTo) : null;
  if (ticket) {
    const body = await composeBody(context, 'messageIncludingReply', project, bot);
    if (body.trim() === '') return failed(processingError('EmptyEmailError'));
    // Knowing a ticket's Message-ID is no credential: only its participants join the thread.
    const participant = await fromParticipant(context, ticket, project);
    const note = await sink.createNote({
      idempotencyKey: context.idempotencyKey,
      project,
      noteable: ticket,
      author: bot,
      body: participant ? body : `${unverifiedMarker(context)}\n\n${body}`,
      externalAuthor: from,
      // The team sees a stranger's note; the customer is not mailed it.
      internal: !participant,
    });
    if (!note.saved) return failed(processingError('InvalidNoteError'));
    if (!participant)
      return succeeded({ note: note.record.id, ticket: ticket.iid, reply: true, unverifiedSender: from });
    if (ticket.state === 'closed' && project.serviceDesk.reopenIssueOnExternalParticipantNote)
      await sink.reopen(ticket, bot);
    if (from) await sink.addEmailParticipants(ticket, [from]);
    return succeeded({ note: note.record.id, ticket: ticket.iid, reply: true });
  }

  const description = await composeBody(context, 'messageIncludingReplyOrOnlyQuotes', project, bot);
  const issue = await sink.createIssue({
    idempotencyKey: context.idempotencyKey,
    project,
    author: bot,
    title: mail.subject,
    description,
    confidential: project.serviceDesk.ticketsConfidentialByDefault,
    externalAuthor: from,
    emailMessageId: mail.messageId ?? null,
  });
  // GitLab raises this one without a message: the notice shows the error's name.
  if (!issue.saved) return failed(processingError('InvalidIssueError'));
  const created = {
    type: 'Issue' as const,
    id: issue.record.id,
    iid: issue.record.iid,
    projectId: project.id,
    title: mail.subject,
    state: 'opened' as const,
    confidential: project.serviceDesk.ticketsConfidentialByDefault,
  };
  if (from) {
    const cc = project.serviceDesk.addExternalParticipantsFromCc ? mail.cc.filter((a) => !context.isOwnAddress(a)) : [];
    await sink.addEmailParticipants(created, [from, ...cc]);
    await sink.sendServiceDeskThankYou(created, from);
  }
  return succeeded({ ticket: issue.record.id, iid: issue.record.iid, project: project.fullPath });
}

/**
 * A reply counts as the ticket's own when the address that acts (the From address unless
 * `identity: gitlab`) passed the identity policy and already is the customer or a participant,
 * or, where the project allows it, passed aligned authentication and is the address that joins.
 */
async function fromParticipant(
  context: HandlerContext<ServiceDeskTarget>,
  ticket: Noteable,
  project: Project,
): Promise<boolean> {
  const { sender, fromAddress, sink } = context;
  if (!sender.accepted || !sender.address || !fromAddress) return false;
  const aligned = sender.standing.standing === 'aligned' && sender.address.toLowerCase() === fromAddress.toLowerCase();
  if (aligned && project.serviceDesk.addAlignedRepliersAsParticipants) return true;
  return (await sink.isTicketParticipant(ticket, sender.address)) && sink.isTicketParticipant(ticket, fromAddress);
}

function unverifiedMarker(context: HandlerContext<ServiceDeskTarget>): string {
  const { sender } = context;
  const who = sender.address ?? context.fromAddress ?? 'an unknown sender';
  const why = sender.accepted ? 'not a participant of this ticket' : sender.reason;
  return `**Unverified sender** ${who} (${why}): not added to the ticket and not sent replies.`;
}
