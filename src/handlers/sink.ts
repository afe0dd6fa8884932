/**
 * What handlers need from wherever the action lands. The embedded tracker implements it;
 * handlers never know which implementation they talk to.
 *
 * Every action takes an `idempotencyKey` (`<Message-ID>|<mail key>`): an implementation that
 * has already applied an action with that key answers with the first result and does nothing,
 * so a message re-delivered after a timeout or a crash has one effect.
 */

export interface User {
  id: number;
  username: string;
  name: string;
  /** Primary email. */
  email: string;
  blocked: boolean;
  /** GitLab's Support Bot: the author of Service Desk tickets and notes. */
  isSupportBot: boolean;
}

export interface ServiceDeskSettings {
  enabled: boolean;
  projectKey: string | null;
  ticketsConfidentialByDefault: boolean;
  addExternalParticipantsFromCc: boolean;
  reopenIssueOnExternalParticipantNote: boolean;
  /** A reply by In-Reply-To from a non-participant whose From passed aligned authentication joins the ticket. */
  addAlignedRepliersAsParticipants: boolean;
}

export interface Project {
  id: number;
  fullPath: string;
  /** `fullPathSlug(fullPath)`, cached. */
  slug: string;
  name: string;
  serviceDesk: ServiceDeskSettings;
}

export type NoteableType = 'Issue' | 'MergeRequest';

export interface Noteable {
  type: NoteableType;
  id: number;
  iid: number;
  projectId: number;
  title: string;
  state: 'opened' | 'closed' | 'merged';
  confidential: boolean;
}

export interface SentNotification {
  replyKey: string;
  recipient: User;
  project: Project | null;
  /** Null when the noteable was deleted since. */
  noteable: Noteable | null;
  discussionId: string | null;
  /** Only issues and merge requests can be unsubscribed from. */
  unsubscribable: boolean;
}

export type Permission =
  | 'read_project'
  | 'read_noteable'
  | 'create_note'
  | 'create_issue'
  | 'create_merge_request_in'
  | 'create_merge_request_from';

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface Upload {
  /** Markdown that links the stored file: `![name](/uploads/…)` for images, `[name](/uploads/…)` otherwise. */
  markdown: string;
}

/** A record that could not be saved carries its validation messages, as GitLab's models do. */
export type Saved<T> = { saved: true; record: T } | { saved: false; errors: string[] };

export interface CreatedNote {
  id: number;
  noteableId: number;
  /** True when the body held only quick actions: they ran, and no note was kept (GitLab's "commands only"); `id` is then 0. */
  commandsOnly: boolean;
}

export interface CreatedIssue {
  id: number;
  iid: number;
}

export interface CreatedMergeRequest {
  id: number;
  iid: number;
}

export interface NoteToCreate {
  idempotencyKey: string;
  project: Project;
  noteable: Noteable;
  author: User;
  body: string;
  discussionId?: string | null;
  externalAuthor?: string | null;
  internal?: boolean;
}

export interface IssueToCreate {
  idempotencyKey: string;
  project: Project;
  author: User;
  title: string;
  description: string;
  confidential?: boolean;
  externalAuthor?: string | null;
  /** Service Desk: the Message-ID of the ticket-creating mail, for replies by In-Reply-To. */
  emailMessageId?: string | null;
}

export interface Sink {
  // Lookups: reads of an index each.
  sentNotification(replyKey: string): Promise<SentNotification | null>;
  userByIncomingEmailToken(token: string): Promise<User | null>;
  /** Is `address` one of the user's verified emails (primary included), compared case-insensitively? */
  isVerifiedEmail(user: User, address: string): Promise<boolean>;
  projectById(id: number): Promise<Project | null>;
  projectByFullPath(fullPath: string): Promise<Project | null>;
  projectByServiceDeskKey(projectKey: string): Promise<Project[]>;
  can(user: User, permission: Permission, project: Project, noteable?: Noteable): Promise<boolean>;
  issueByIid(project: Project, iid: number): Promise<Noteable | null>;
  /** The ticket whose creating mail had this Message-ID (Service Desk replies by In-Reply-To). */
  ticketByMessageId(project: Project, messageId: string): Promise<Noteable | null>;
  supportBot(): Promise<User>;
  /** Is `address` the ticket's customer or one of its email participants (case-insensitive)? */
  isTicketParticipant(ticket: Noteable, address: string): Promise<boolean>;

  // Actions. Quick actions in a body run with the author's rights; the Support Bot's are neutralised
  // (shown as code, never run), so a handler may but need not redact them first.
  upload(project: Project, author: User, attachment: Attachment): Promise<Upload | null>;
  createNote(input: NoteToCreate): Promise<Saved<CreatedNote>>;
  createIssue(input: IssueToCreate): Promise<Saved<CreatedIssue>>;
  createMergeRequest(input: {
    idempotencyKey: string;
    project: Project;
    author: User;
    sourceBranch: string;
    description: string;
    /** `.patch` attachments, sorted by filename; applied onto the new branch from the default branch. */
    patches: Attachment[];
  }): Promise<Saved<CreatedMergeRequest> | { patchFailed: string }>;
  unsubscribe(notification: SentNotification): Promise<void>;
  /** Service Desk: the customer (and Cc addresses when enabled) follow the ticket by email. */
  addEmailParticipants(issue: Noteable, emails: string[]): Promise<void>;
  /**
   * Reopens a closed issue; an open one is left as it is. When `by` is the Support Bot, GitLab's
   * internal ":wave: This issue has been reopened…" note (mentioning the assignees) comes with it.
   */
  reopen(issue: Noteable, by: User): Promise<void>;
  /** At most once per ticket, however often it is called (a re-delivered mail sends no second thank-you). */
  sendServiceDeskThankYou(issue: Noteable, to: string): Promise<void>;
}
