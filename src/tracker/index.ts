/**
 * The embedded tracker: GitLab's incoming-email domain (users, projects, issues, merge requests,
 * notes, sent notifications, Service Desk) on one SQLite file, with optional bare git repositories
 * for merge requests by patch. Without a repository a project's branches are names only and
 * patches are not applied. `TrackerSink` is the handlers' Sink; `Tracker` is the domain API for the
 * HTTP API, seeding and notifications (which listen to `tracker.on(...)`).
 */
export { openTracker, Tracker } from './tracker.js';
export type { TrackerCommits } from './database.js';
export type { TrackerOptions } from './tracker.js';
export { TrackerSink } from './trackerSink.js';
export { TrackerEvents } from './events.js';
export type { TrackerEventMap, TrackerEventName } from './events.js';
export { extractQuickActions, neutraliseQuickActions, parseLabelNames, parseUsernames } from './quickActions.js';
export type { Extraction, QuickAction, QuickActionName } from './quickActions.js';
export { issueAsNoteable } from './issues.js';
export { mergeRequestAsNoteable } from './mergeRequests.js';
export { generateIncomingEmailToken } from './users.js';
export type { NewUser } from './users.js';
export type { NewProject } from './projects.js';
export type { IssueInput } from './createIssue.js';
export type { NoteInput } from './createNote.js';
export type { MergeRequestInput, MergeRequestOutcome } from './createMergeRequest.js';
export type { NotificationToRecord } from './sentNotifications.js';
export { MAX_EMAIL_PARTICIPANTS } from './participants.js';
export type { Todo } from './todos.js';
export type { StoredUpload } from './uploads.js';
export { ACCESS_LEVEL } from './types.js';
export type { IssueRecord, MergeRequestRecord, NoteRecord, ProjectDetails, Role, Visibility } from './types.js';
export { trackerKeyDirectory } from './keyDirectory.js';
export type { Commit } from './repository.js';
