import type { MailTarget, ProjectRef } from '../address/index.js';
import type { Project } from '../handlers/sink.js';
import type { KeyDirectory } from '../smtp/keyDirectory.js';
import type { Tracker } from './tracker.js';

/** RCPT TO's exact check against the embedded tracker: each answer is one or two index reads. */
export function trackerKeyDirectory(tracker: Tracker): KeyDirectory {
  const project = (ref: ProjectRef): Project | null => {
    switch (ref.by) {
      case 'id': {
        const found = tracker.projectById(ref.id);
        return found && found.slug === ref.slug ? found : null;
      }
      case 'path':
        return tracker.projectByFullPath(ref.path);
      case 'serviceDeskKey':
        return tracker.projectsByServiceDeskKey(ref.projectKey).find((p) => p.slug === ref.slug) ?? null;
    }
  };
  const activeToken = (token: string) => {
    const user = tracker.userByIncomingEmailToken(token);
    return user !== null && !user.blocked;
  };
  return {
    knows(target: MailTarget): boolean {
      switch (target.kind) {
        case 'reply':
        case 'unsubscribe':
          return tracker.hasSentNotification(target.replyKey.text);
        case 'newIssue':
        case 'newMergeRequest':
        case 'noteOnIssue':
          return project(target.project) !== null && activeToken(target.token);
        case 'serviceDesk':
          return project(target.project)?.serviceDesk.enabled === true;
      }
    },
  };
}
