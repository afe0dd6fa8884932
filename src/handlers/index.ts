import type { MailTarget, MailTargetKind } from '../address/index.js';
import type { HandlerContext } from './context.js';
import { createIssue } from './createIssue.js';
import { createMergeRequest } from './createMergeRequest.js';
import { createNote } from './createNote.js';
import { createNoteOnIssue } from './createNoteOnIssue.js';
import type { HandlerResult } from './result.js';
import { serviceDesk } from './serviceDesk.js';
import { unsubscribe } from './unsubscribe.js';

/** GitLab's class names, as they appear in logs, traces and GitLab's own documentation. */
export const HANDLER_NAMES: Record<MailTargetKind, string> = {
  reply: 'CreateNoteHandler',
  newIssue: 'CreateIssueHandler',
  noteOnIssue: 'CreateNoteOnIssuableHandler',
  unsubscribe: 'UnsubscribeHandler',
  newMergeRequest: 'CreateMergeRequestHandler',
  serviceDesk: 'ServiceDeskHandler',
};

/** One handler per target kind; the grammar already chose the kind in GitLab's order. */
export function runHandler(context: HandlerContext): Promise<HandlerResult> {
  const target: MailTarget = context.target;
  switch (target.kind) {
    case 'reply':
      return createNote({ ...context, target });
    case 'newIssue':
      return createIssue({ ...context, target });
    case 'noteOnIssue':
      return createNoteOnIssue({ ...context, target });
    case 'unsubscribe':
      return unsubscribe({ ...context, target });
    case 'newMergeRequest':
      return createMergeRequest({ ...context, target });
    case 'serviceDesk':
      return serviceDesk({ ...context, target });
  }
}

export type { HandlerContext, MailText } from './context.js';
export type { HandlerResult } from './result.js';
export * from './errors.js';
export type * from './sink.js';
