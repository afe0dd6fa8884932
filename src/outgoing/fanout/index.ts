import type { Logger } from '../../log/logger.js';
import type { Tracker } from '../../tracker/index.js';
import type { OutgoingContext } from '../context.js';
import type { Outbox } from '../outbox/index.js';
import { ownAddressCheck } from '../ownAddresses.js';
import { issueCreated, mergeRequestCreated, noteCreated, serviceDeskThankYouDue, type Fanout } from './jobs.js';
import { trackerRoster } from './roster.js';

export interface NotificationsOptions {
  tracker: Tracker;
  outbox: Outbox;
  context: OutgoingContext;
  logger: Logger;
}

export interface Notifications {
  /** Stops listening; what is queued stays in the outbox for its sender. */
  stop(): void;
}

/**
 * GitLab's NotificationService for the embedded tracker: as each action commits, work out who
 * should hear of it, record a reply key per recipient and queue the mail in the outbox. It runs
 * inside the action's transaction, so the mail and the action commit together or not at all.
 */
export function startNotifications({ tracker, outbox, context, logger }: NotificationsOptions): Notifications {
  const fanout: Fanout = {
    tracker,
    roster: trackerRoster(tracker),
    outbox,
    context,
    log: logger.child({ component: 'notifications' }),
    isOwnAddress: ownAddressCheck(context),
  };
  const unsubscribe = [
    tracker.on('issueCreated', (event) => issueCreated(fanout, event)),
    tracker.on('mergeRequestCreated', (event) => mergeRequestCreated(fanout, event)),
    tracker.on('noteCreated', (event) => noteCreated(fanout, event)),
    tracker.on('serviceDeskThankYouDue', (event) => serviceDeskThankYouDue(fanout, event)),
  ];
  return {
    stop() {
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}
