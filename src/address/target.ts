import type { ReplyKey } from './replyKey.js';

/** Which configured mailbox the key came in on; the Service Desk mailbox only ever opens tickets. */
export type Mailbox = 'incoming' | 'serviceDesk';

/** By id: the project is found by id, then dropped unless its full_path_slug equals `slug`. */
export interface ProjectById {
  by: 'id';
  id: number;
  slug: string;
}

/** Legacy keys name the project by its full path, e.g. `group/project`. */
export interface ProjectByPath {
  by: 'path';
  path: string;
}

/** Service Desk mailbox only: a project's Service Desk key, valid only for the project with that slug. */
export interface ProjectByServiceDeskKey {
  by: 'serviceDeskKey';
  slug: string;
  projectKey: string;
}

export type ProjectRef = ProjectById | ProjectByPath | ProjectByServiceDeskKey;

export interface ReplyTarget {
  kind: 'reply';
  replyKey: ReplyKey;
}

export interface UnsubscribeTarget {
  kind: 'unsubscribe';
  replyKey: ReplyKey;
  /** True for the old `+unsubscribe` suffix. */
  legacySuffix: boolean;
}

export interface NewIssueTarget {
  kind: 'newIssue';
  project: ProjectById | ProjectByPath;
  /** The author's incoming_email_token. */
  token: string;
}

export interface NewMergeRequestTarget {
  kind: 'newMergeRequest';
  project: ProjectById | ProjectByPath;
  token: string;
}

export interface NoteOnIssueTarget {
  kind: 'noteOnIssue';
  project: ProjectById;
  token: string;
  issueIid: number;
}

export interface ServiceDeskTarget {
  kind: 'serviceDesk';
  project: ProjectRef;
}

/** What a mail key asks for; the handler that serves it is named by `kind`. */
export type MailTarget =
  ReplyTarget | UnsubscribeTarget | NewIssueTarget | NewMergeRequestTarget | NoteOnIssueTarget | ServiceDeskTarget;

export type MailTargetKind = MailTarget['kind'];
