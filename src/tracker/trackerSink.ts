import type {
  Attachment,
  CreatedIssue,
  CreatedMergeRequest,
  CreatedNote,
  Noteable,
  Permission,
  Project,
  Saved,
  SentNotification,
  Sink,
  Upload,
  User,
} from '../handlers/sink.js';
import { issueAsNoteable } from './issues.js';
import type { Tracker } from './tracker.js';

/** The handlers' Sink, landing every action in the embedded tracker. */
export class TrackerSink implements Sink {
  constructor(private readonly tracker: Tracker) {}

  async sentNotification(replyKey: string): Promise<SentNotification | null> {
    return this.tracker.sentNotification(replyKey);
  }
  async userByIncomingEmailToken(token: string): Promise<User | null> {
    return this.tracker.userByIncomingEmailToken(token);
  }
  async isVerifiedEmail(user: User, address: string): Promise<boolean> {
    return this.tracker.isVerifiedEmail(user, address);
  }
  async projectById(id: number): Promise<Project | null> {
    return this.tracker.projectById(id);
  }
  async projectByFullPath(fullPath: string): Promise<Project | null> {
    return this.tracker.projectByFullPath(fullPath);
  }
  async projectByServiceDeskKey(projectKey: string): Promise<Project[]> {
    return this.tracker.projectsByServiceDeskKey(projectKey);
  }
  async can(user: User, permission: Permission, project: Project, noteable?: Noteable): Promise<boolean> {
    return this.tracker.can(user, permission, project, noteable);
  }
  async issueByIid(project: Project, iid: number): Promise<Noteable | null> {
    const issue = this.tracker.issue(project, iid);
    return issue ? issueAsNoteable(issue) : null;
  }
  async ticketByMessageId(project: Project, messageId: string): Promise<Noteable | null> {
    const issue = this.tracker.ticketByMessageId(project, messageId);
    return issue ? issueAsNoteable(issue) : null;
  }
  async supportBot(): Promise<User> {
    return this.tracker.supportBot();
  }
  async isTicketParticipant(ticket: Noteable, address: string): Promise<boolean> {
    const wanted = address.toLowerCase();
    const customer = this.tracker.issueById(ticket.id)?.externalAuthor;
    return [customer ?? '', ...this.tracker.emailParticipants(ticket)].some((a) => a.toLowerCase() === wanted);
  }

  async upload(project: Project, author: User, attachment: Attachment): Promise<Upload | null> {
    return this.tracker.upload(project, author, attachment);
  }
  createNote(input: Parameters<Sink['createNote']>[0]): Promise<Saved<CreatedNote>> {
    return this.tracker.createNote(input);
  }
  async createIssue(input: Parameters<Sink['createIssue']>[0]): Promise<Saved<CreatedIssue>> {
    return this.tracker.createIssue(input);
  }
  createMergeRequest(
    input: Parameters<Sink['createMergeRequest']>[0],
  ): Promise<Saved<CreatedMergeRequest> | { patchFailed: string }> {
    return this.tracker.createMergeRequest(input);
  }
  async unsubscribe(notification: SentNotification): Promise<void> {
    if (notification.unsubscribable && notification.noteable)
      this.tracker.unsubscribe(notification.recipient, notification.noteable);
  }
  async addEmailParticipants(issue: Noteable, emails: string[]): Promise<void> {
    this.tracker.addEmailParticipants(issue, emails);
  }
  async reopen(issue: Noteable, by: User): Promise<void> {
    this.tracker.reopen(issue, by);
  }
  async sendServiceDeskThankYou(issue: Noteable, to: string): Promise<void> {
    this.tracker.requestServiceDeskThankYou(issue, to);
  }
}
