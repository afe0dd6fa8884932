import path from 'node:path';
import type Database from 'better-sqlite3';
import type { MailTarget } from '../address/index.js';
import type {
  Attachment,
  CreatedIssue,
  CreatedNote,
  Noteable,
  NoteableType,
  Permission,
  Project,
  Saved,
  SentNotification,
  ServiceDeskSettings,
  Upload,
  User,
} from '../handlers/sink.js';
import { addressParts, type AddressParts } from './addressParts.js';
import { createIssue, type IssueInput } from './createIssue.js';
import { createMergeRequest, type MergeRequestInput, type MergeRequestOutcome } from './createMergeRequest.js';
import { createNote, type NoteInput } from './createNote.js';
import { openDatabase, type TrackerCommits } from './database.js';
import { WalBarrier } from '../sqlite/walBarrier.js';
import { TrackerEvents, type TrackerEventMap, type TrackerEventName } from './events.js';
import { claimThankYou, deleteIssue, issueById, issueByIid, issuesOf, markThankYouSent } from './issues.js';
import { mergeRequestById, mergeRequestByIid, mergeRequestsOf } from './mergeRequests.js';
import { knowsTarget } from './liveKeys.js';
import { normaliseMessageId } from './messageId.js';
import { noteableById, updateNoteable } from './noteables.js';
import { commenterIdsOf, noteById, notesOf } from './notes.js';
import { addEmailParticipants, emailParticipantsOf } from './participants.js';
import { can } from './permissions.js';
import {
  accessLevel,
  addMember,
  allProjects,
  configureServiceDesk,
  createProject,
  membersOf,
  projectByFullPath,
  projectById,
  projectDetails,
  projectsByServiceDeskKey,
  removeMember,
  setVisibility,
  type NewProject,
} from './projects.js';
import { branchExists, commitsBetween, type Commit } from './repository.js';
import { reopenIssue } from './reopen.js';
import {
  hasSentNotification,
  recordSentNotification,
  sentNotificationFor,
  type NotificationToRecord,
} from './sentNotifications.js';
import { setSubscription, subscriberIds, subscriptionOf } from './subscriptions.js';
import { pendingTodos, type Todo } from './todos.js';
import type {
  IssueRecord,
  MergeRequestRecord,
  NoteRecord,
  ProjectDetails,
  Role,
  TrackerContext,
  Visibility,
} from './types.js';
import { statementCache } from '../sqlite/statementCache.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, storeUpload, uploadBySecret, type StoredUpload } from './uploads.js';
import {
  addEmail,
  createUser,
  ensureSupportBot,
  incomingEmailToken,
  isVerifiedEmail,
  setBlocked,
  supportBot,
  userById,
  userByIncomingEmailToken,
  userByUsername,
  userByVerifiedEmail,
  type NewUser,
} from './users.js';

export interface TrackerOptions {
  /** Where project repositories are created; default `repositories/` beside the tracker file. */
  repositoriesDir?: string;
  /** The Support Bot's address (GitLab: `support@<host>`). */
  supportBotEmail?: string;
  maxAttachmentBytes?: number;
  /** Milliseconds since the epoch; tests move it to age partitions. */
  now?: () => number;
  /** `grouped`: commits are durable at `makeDurable()`, not each on its own (see TrackerCommits). */
  commits?: TrackerCommits;
}

/** A direct call (HTTP API, seed) has no message behind it, so no idempotency key. */
type Direct<T extends { idempotencyKey: string | null }> = Omit<T, 'idempotencyKey'> & {
  idempotencyKey?: string | null;
};

/**
 * The embedded tracker's domain: what incoming email needs of GitLab, on one SQLite file. Checks
 * of rights belong to the caller (`can`), as in GitLab's services; `sink` wraps this for handlers.
 */
export class Tracker {
  readonly events: TrackerEvents;
  private readonly ctx: TrackerContext;
  private readonly maxAttachmentBytes: number;
  private readonly barrier: WalBarrier | undefined;

  constructor(
    readonly db: Database.Database,
    options: TrackerOptions & { repositoriesDir: string },
  ) {
    this.events = new TrackerEvents();
    this.ctx = {
      db,
      prepare: statementCache(db),
      now: options.now ?? Date.now,
      events: this.events,
      repositoriesDir: options.repositoriesDir,
    };
    this.maxAttachmentBytes = options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
    this.barrier = options.commits === 'grouped' && !db.memory ? new WalBarrier(db) : undefined;
    ensureSupportBot(this.ctx, options.supportBotEmail ?? 'support@localhost');
  }

  close(): void {
    try {
      this.makeDurable();
    } finally {
      this.db.close();
    }
  }

  /** Every commit so far on disk: a no-op for a connection whose commits are durable each on its own. */
  makeDurable(): void {
    this.barrier?.sync();
  }

  on<E extends TrackerEventName>(event: E, listener: (payload: TrackerEventMap[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  // Users.
  createUser(input: NewUser): Saved<User> {
    return createUser(this.ctx, input);
  }
  addEmail(user: User, email: string, options: { verified?: boolean } = {}): Saved<{ email: string }> {
    return addEmail(this.ctx, user.id, email, options);
  }
  blockUser(user: User): void {
    setBlocked(this.ctx, user.id, true);
  }
  unblockUser(user: User): void {
    setBlocked(this.ctx, user.id, false);
  }
  userById(id: number): User | null {
    return userById(this.ctx, id);
  }
  userByUsername(username: string): User | null {
    return userByUsername(this.ctx, username);
  }
  userByIncomingEmailToken(token: string): User | null {
    return userByIncomingEmailToken(this.ctx, token);
  }
  userByVerifiedEmail(address: string): User | null {
    return userByVerifiedEmail(this.ctx, address);
  }
  isVerifiedEmail(user: User, address: string): boolean {
    return isVerifiedEmail(this.ctx, user.id, address);
  }
  incomingEmailToken(user: User): string | null {
    return incomingEmailToken(this.ctx, user.id);
  }
  supportBot(): User {
    return supportBot(this.ctx);
  }

  /** RCPT TO's exact check: does this mail key mean something here? */
  knowsTarget(target: MailTarget): boolean {
    return knowsTarget(this.ctx, target);
  }

  /** SQLite's data_version: changes whenever another connection (thread or process) commits to the file. */
  dataVersion(): number {
    return this.ctx.prepare('PRAGMA data_version').pluck().get() as number;
  }

  // Projects.
  createProject(input: NewProject): Promise<Saved<Project>> {
    return createProject(this.ctx, input);
  }
  projectById(id: number): Project | null {
    return projectById(this.ctx, id);
  }
  projects(): Project[] {
    return allProjects(this.ctx);
  }
  projectByFullPath(fullPath: string): Project | null {
    return projectByFullPath(this.ctx, fullPath);
  }
  addressParts(): AddressParts {
    return addressParts(this.ctx);
  }
  projectsByServiceDeskKey(projectKey: string): Project[] {
    return projectsByServiceDeskKey(this.ctx, projectKey);
  }
  projectDetails(project: Project): ProjectDetails | null {
    return projectDetails(this.ctx, project.id);
  }
  members(project: Project): { userId: number; access: number }[] {
    return membersOf(this.ctx, project.id);
  }
  /** GitLab's access level of the user in the project; 0 for a non-member. */
  accessLevel(project: Project, user: User): number {
    return accessLevel(this.ctx, project.id, user.id);
  }
  /** The Message-ID (without brackets) of the customer's mail that opened a Service Desk ticket. */
  ticketMessageId(issueId: number): string | null {
    const row = this.ctx.prepare('SELECT message_id FROM issue_emails WHERE issue_id = ? LIMIT 1').get(issueId) as
      { message_id: string } | undefined;
    return row?.message_id ?? null;
  }
  setVisibility(project: Project, visibility: Visibility): void {
    setVisibility(this.ctx, project.id, visibility);
  }
  addMember(project: Project, user: User, role: Role): void {
    addMember(this.ctx, project.id, user.id, role);
  }
  removeMember(project: Project, user: User): void {
    removeMember(this.ctx, project.id, user.id);
  }
  configureServiceDesk(project: Project, changes: Partial<ServiceDeskSettings>): Saved<ServiceDeskSettings> {
    return configureServiceDesk(this.ctx, project.id, changes);
  }
  can(user: User, permission: Permission, project: Project, noteable?: Noteable): boolean {
    return can(this.ctx, user, permission, project, noteable);
  }

  // Issues, merge requests, notes.
  createIssue(input: Direct<IssueInput>): Saved<CreatedIssue> {
    return createIssue(this.ctx, { ...input, idempotencyKey: input.idempotencyKey ?? null });
  }
  createNote(input: Direct<NoteInput>): Promise<Saved<CreatedNote>> {
    return createNote(this.ctx, { ...input, idempotencyKey: input.idempotencyKey ?? null });
  }
  createMergeRequest(input: Direct<MergeRequestInput>): Promise<MergeRequestOutcome> {
    return createMergeRequest(this.ctx, { ...input, idempotencyKey: input.idempotencyKey ?? null });
  }
  issues(project: Project): IssueRecord[] {
    return issuesOf(this.ctx, project.id);
  }
  issue(project: Project, iid: number): IssueRecord | null {
    return issueByIid(this.ctx, project.id, iid);
  }
  issueById(id: number): IssueRecord | null {
    return issueById(this.ctx, id);
  }
  deleteIssue(issue: Pick<IssueRecord, 'id'>): void {
    deleteIssue(this.ctx, issue.id);
  }
  mergeRequests(project: Project): MergeRequestRecord[] {
    return mergeRequestsOf(this.ctx, project.id);
  }
  mergeRequest(project: Project, iid: number): MergeRequestRecord | null {
    return mergeRequestByIid(this.ctx, project.id, iid);
  }
  mergeRequestById(id: number): MergeRequestRecord | null {
    return mergeRequestById(this.ctx, id);
  }
  /** The commits the merge request brings (its source branch over its target); none without a repository. */
  async mergeRequestCommits(mergeRequest: MergeRequestRecord): Promise<Commit[]> {
    const repositoryPath = projectDetails(this.ctx, mergeRequest.projectId)?.repositoryPath;
    if (!repositoryPath) return [];
    for (const branch of [mergeRequest.sourceBranch, mergeRequest.targetBranch])
      if (!(await branchExists(repositoryPath, branch))) return [];
    return commitsBetween(repositoryPath, mergeRequest.targetBranch, mergeRequest.sourceBranch);
  }
  noteable(type: NoteableType, id: number): Noteable | null {
    return noteableById(this.ctx, type, id);
  }
  /** Closing and reopening as the web UI would, without a note. */
  setState(noteable: Noteable, state: Noteable['state']): void {
    updateNoteable(this.ctx, noteable, { state });
  }
  notes(noteable: Pick<Noteable, 'type' | 'id'>): NoteRecord[] {
    return notesOf(this.ctx, noteable);
  }
  noteById(id: number): NoteRecord | null {
    return noteById(this.ctx, id);
  }
  /** The authors of the noteable's notes, each once, in the order they first commented. */
  commenterIds(noteable: Pick<Noteable, 'type' | 'id'>): number[] {
    return commenterIdsOf(this.ctx, noteable);
  }

  // Notifications, subscriptions, Service Desk.
  recordSentNotification(input: NotificationToRecord): string {
    return recordSentNotification(this.ctx, input);
  }
  hasSentNotification(replyKey: string): boolean {
    return hasSentNotification(this.ctx, replyKey);
  }
  sentNotification(replyKey: string): SentNotification | null {
    return sentNotificationFor(this.ctx, replyKey);
  }
  subscribe(user: User, noteable: Noteable): void {
    setSubscription(this.ctx, user.id, noteable, true);
  }
  unsubscribe(user: User, noteable: Noteable): void {
    setSubscription(this.ctx, user.id, noteable, false);
  }
  /** null when the user neither subscribed nor unsubscribed. */
  subscription(user: User, noteable: Noteable): boolean | null {
    return subscriptionOf(this.ctx, user.id, noteable);
  }
  subscribers(noteable: Noteable): User[] {
    return subscriberIds(this.ctx, noteable)
      .map((id) => userById(this.ctx, id))
      .filter((user): user is User => user !== null);
  }
  todos(user: User): Todo[] {
    return pendingTodos(this.ctx, user.id);
  }
  addEmailParticipants(issue: Pick<Noteable, 'id'>, emails: string[]): string[] {
    return addEmailParticipants(this.ctx, issue.id, emails);
  }
  emailParticipants(issue: Pick<Noteable, 'id'>): string[] {
    return emailParticipantsOf(this.ctx, issue.id);
  }
  ticketByMessageId(project: Project, messageId: string): IssueRecord | null {
    const row = this.ctx
      .prepare('SELECT issue_id FROM issue_emails WHERE project_id = ? AND message_id = ?')
      .get(project.id, normaliseMessageId(messageId)) as { issue_id: number } | undefined;
    return row ? issueById(this.ctx, row.issue_id) : null;
  }
  reopen(issue: Noteable, by: User): boolean {
    return reopenIssue(this.ctx, issue, by);
  }
  /** Announces `serviceDeskThankYouDue` the first time only, in the transaction that claims it. */
  requestServiceDeskThankYou(issue: Noteable, to: string): boolean {
    return this.db
      .transaction((): boolean => {
        const record = issueById(this.ctx, issue.id);
        const project = record && projectById(this.ctx, record.projectId);
        if (!record || !project || !claimThankYou(this.ctx, issue.id)) return false;
        this.events.emit('serviceDeskThankYouDue', { issue: record, project, to });
        return true;
      })
      .immediate();
  }
  /** The relay took the thank-you (250): only now does the ticket count as thanked. */
  recordThankYouSent(issueId: number): void {
    markThankYouSent(this.ctx, issueId);
  }

  // Uploads.
  upload(project: Project, author: User, attachment: Attachment): Upload | null {
    return storeUpload(this.ctx, project, author, attachment, this.maxAttachmentBytes);
  }
  uploadBySecret(secret: string, filename: string): StoredUpload | null {
    return uploadBySecret(this.ctx, secret, filename);
  }
}

/** Where a tracker file's projects keep their bare repositories, unless told otherwise: beside it. */
export function repositoriesDirOf(trackerFile: string): string {
  return path.join(path.dirname(trackerFile), 'repositories');
}

export function openTracker(file: string, options: TrackerOptions = {}): Tracker {
  const db = openDatabase(file, options.commits);
  try {
    return new Tracker(db, {
      ...options,
      repositoriesDir: options.repositoriesDir ?? repositoriesDirOf(file),
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
