import type { Logger } from '../../log/logger.js';
import type { Tracker } from '../../tracker/index.js';
import type { OutgoingContext } from '../context.js';
import type { Mailer } from '../mailer.js';
import { ownAddressCheck } from '../ownAddresses.js';
import { issueCreated, mergeRequestCreated, noteCreated, serviceDeskThankYouDue, type Fanout } from './jobs.js';
import { orderedQueue } from './queue.js';
import { trackerRoster } from './roster.js';

export interface NotificationsOptions {
  tracker: Tracker;
  mailer: Mailer;
  context: OutgoingContext;
  logger: Logger;
}

export interface Notifications {
  /** Stops listening; mail already queued still goes out (wait with `idle`). */
  stop(): void;
  /** Resolves once every queued mail has been handed to the relay (or its failure logged). */
  idle(): Promise<void>;
}

/**
 * GitLab's NotificationService for the embedded tracker: after each commit the tracker announces,
 * work out who should hear of it, record a reply key per recipient and send. The work runs in a
 * queue, in announcement order and off the caller's path; nothing it does can throw into the tracker.
 */
export function startNotifications({ tracker, mailer, context, logger }: NotificationsOptions): Notifications {
  const log = logger.child({ component: 'notifications' });
  const fanout: Fanout = {
    tracker,
    roster: trackerRoster(tracker),
    mailer,
    context,
    log,
    isOwnAddress: ownAddressCheck(context),
  };
  const queue = orderedQueue((error, event) => log.error({ err: error, event }, 'notifications failed'));
  const unsubscribe = [
    tracker.on('issueCreated', (event) => queue.push('issueCreated', () => issueCreated(fanout, event))),
    tracker.on('mergeRequestCreated', (event) =>
      queue.push('mergeRequestCreated', () => mergeRequestCreated(fanout, event)),
    ),
    tracker.on('noteCreated', (event) => queue.push('noteCreated', () => noteCreated(fanout, event))),
    tracker.on('serviceDeskThankYouDue', (event) =>
      queue.push('serviceDeskThankYouDue', () => serviceDeskThankYouDue(fanout, event)),
    ),
  ];
  return {
    stop() {
      for (const off of unsubscribe.splice(0)) off();
    },
    idle: () => queue.idle(),
  };
}
