import type { Noteable, Project, User } from '../../handlers/sink.js';
import { ACCESS_LEVEL, type Tracker } from '../../tracker/index.js';
import type { Roster } from './roster.js';

/** Whom a notification is about: the noteable with the people attached to it. */
export interface Subject {
  project: Project;
  noteable: Noteable;
  authorId: number;
  assigneeIds: number[];
}

export interface Recipient {
  user: User;
  /** GitLab's X-GitLab-NotificationReason, when one applies. */
  reason?: string;
}

interface Candidate {
  userId: number;
  reason?: string;
}

interface Lookups {
  tracker: Tracker;
  roster: Roster;
}

/**
 * New issue: its assignees, the project's members (as if every member watched the project) and its
 * subscribers, who can all read it; never the author.
 */
export function issueCreatedRecipients(lookups: Lookups, subject: Subject, actor: User): Recipient[] {
  return audience(lookups, subject, actor, [
    ...assignees(subject),
    ...lookups.roster.members(subject.project).map((member) => ({ userId: member.userId })),
    ...subscribers(lookups, subject),
  ]);
}

/**
 * New merge request: its assignees, developers and up (those who review and merge) and its
 * subscribers; never the author.
 */
export function mergeRequestCreatedRecipients(lookups: Lookups, subject: Subject, actor: User): Recipient[] {
  const reviewers = lookups.roster.members(subject.project).filter((member) => member.access >= ACCESS_LEVEL.developer);
  return audience(lookups, subject, actor, [
    ...assignees(subject),
    ...reviewers.map((member) => ({ userId: member.userId })),
    ...subscribers(lookups, subject),
  ]);
}

/**
 * New note: the noteable's participants (assignees, author, everyone who commented) and its
 * subscribers; never the note's author. An internal note goes to reporters and up only (GitLab
 * stopped showing them to guest authors and assignees in 15.5).
 */
export function noteRecipients(lookups: Lookups, subject: Subject, actor: User, internal: boolean): Recipient[] {
  const commenters = lookups.tracker.commenterIds(subject.noteable).map((userId) => ({ userId }));
  const candidates = [
    ...assignees(subject),
    { userId: subject.authorId },
    ...commenters,
    ...subscribers(lookups, subject),
  ];
  const recipients = audience(lookups, subject, actor, candidates);
  if (!internal) return recipients;
  return recipients.filter(
    (recipient) => lookups.roster.access(subject.project, recipient.user) >= ACCESS_LEVEL.reporter,
  );
}

const assignees = (subject: Subject): Candidate[] =>
  subject.assigneeIds.map((userId) => ({ userId, reason: 'assigned' }));

const subscribers = (lookups: Lookups, subject: Subject): Candidate[] =>
  lookups.tracker.subscribers(subject.noteable).map((user) => ({ userId: user.id, reason: 'subscribed' }));

/** Each person once, with the reason of their first mention; only those who may and want to hear. */
function audience(lookups: Lookups, subject: Subject, actor: User, candidates: Candidate[]): Recipient[] {
  const considered = new Set<number>([actor.id]);
  const recipients: Recipient[] = [];
  for (const candidate of candidates) {
    if (considered.has(candidate.userId)) continue;
    considered.add(candidate.userId);
    const user = lookups.tracker.userById(candidate.userId);
    if (user && mayReceive(lookups, subject, user)) {
      recipients.push(candidate.reason ? { user, reason: candidate.reason } : { user });
    }
  }
  return recipients;
}

function mayReceive(lookups: Lookups, subject: Subject, user: User): boolean {
  if (user.blocked || user.isSupportBot) return false;
  // An explicit unsubscribe beats being author, assignee or member.
  if (lookups.tracker.subscription(user, subject.noteable) === false) return false;
  return canRead(lookups.roster, subject, user);
}

/**
 * GitLab's read_issue / read_merge_request, cut down: a private project is for members; a
 * confidential issue for reporters and up, its author and its assignees; a private project's merge
 * requests for reporters and up.
 */
function canRead(roster: Roster, subject: Subject, user: User): boolean {
  const access = roster.access(subject.project, user);
  const isPublic = roster.isPublic(subject.project);
  if (access === 0 && !isPublic) return false;
  if (subject.noteable.type === 'MergeRequest') return isPublic || access >= ACCESS_LEVEL.reporter;
  if (!subject.noteable.confidential || access >= ACCESS_LEVEL.reporter) return true;
  return user.id === subject.authorId || subject.assigneeIds.includes(user.id);
}
