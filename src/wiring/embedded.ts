import { compileTemplate } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import {
  buildSignInMail,
  createMailer,
  createRejectionNotifier,
  NoticeLog,
  Outbox,
  outgoingContext,
  ownAddressCheck,
  startNotifications,
  startOutboxSender,
  withSpoolMessage,
  type OutboxState,
} from '../outgoing/index.js';
import type { OutboxReader } from '../http/index.js';
import { receiverProcessor, type RejectionNotices } from '../receiver/processor.js';
import { mailTextOf } from '../receiver/mailText.js';
import { htmlNodesWithin } from '../reply/index.js';
import type { ReceiverDeps } from '../receiver/receiver.js';
import type { Spool } from '../spool/index.js';
import { openTracker, TrackerSink, type Tracker, type TrackerCommits } from '../tracker/index.js';
import type { Processor } from '../worker/types.js';

export interface EmbeddedSink {
  tracker: Tracker;
  process: Processor;
  /** What the attempts so far wrote to the tracker, on disk: before their outcomes are recorded. */
  makeDurable(): void;
  /** Mail sent before `before` leaves the outbox (retention); absent while outgoing mail is off. */
  purgeSentMail?: (before: number) => Promise<number>;
  close(): Promise<void>;
}

export interface NotifyingTracker {
  tracker: Tracker;
  /** Absent while outgoing mail is off: then nothing is queued, and no reply key is given out. */
  outbox?: Outbox;
  close(): Promise<void>;
}

/**
 * The tracker with notifications following its events into the outbox, and a sender draining it,
 * so whatever creates an issue, a note or an MR (mail in the routing thread, the HTTP API in the
 * main one) mails its participants. Senders in both threads share the outbox safely (leases).
 */
export function openNotifyingTracker(
  config: PostroomConfig,
  logger: Logger,
  commits: TrackerCommits = 'durable',
): NotifyingTracker {
  const tracker = openTracker(config.tracker.path, { commits });
  if (!config.outgoing.enabled) return { tracker, close: async () => tracker.close() };
  const outbox = new Outbox(tracker.db, Date.now, () => tracker.makeDurable());
  const notifications = startNotifications({ tracker, outbox, context: outgoingContext(config), logger });
  const mailer = createMailer(config.outgoing, logger);
  const sender = startOutboxSender({
    outbox,
    mailer,
    concurrency: config.outgoing.concurrency,
    retry: {
      baseMs: config.outgoing.retryBaseMs,
      maxMs: config.outgoing.retryMaxMs,
      maxAgeMs: config.outgoing.maxAgeMs,
    },
    logger,
    onSent: (mail) => {
      if (mail.thankYouFor !== null) tracker.recordThankYouSent(mail.thankYouFor);
    },
  });
  return {
    tracker,
    outbox,
    async close() {
      notifications.stop();
      await sender.stop();
      mailer.close();
      tracker.close();
    },
  };
}

/** What health, metrics and the console read of the outbox. */
export function outboxReader(outbox: Outbox): OutboxReader {
  return {
    countByState: () => outbox.countByState(),
    byState: (state, limit) => outbox.byState(state as OutboxState, limit),
    causedBy: (spoolId) => outbox.causedBy(spoolId),
  };
}

/** The console's one-time sign-in links, queued in the outbox like every mail Postroom sends. */
export function signInMailer(config: PostroomConfig, outbox: Outbox) {
  const context = outgoingContext(config);
  return async (to: { address: string; name: string }, link: string, validMinutes: number): Promise<void> => {
    outbox.enqueue({ message: buildSignInMail(context, to, link, validMinutes) });
  };
}

/**
 * The default sink: routed actions land in the embedded tracker; rejection notices are queued in
 * its outbox behind the outgoing safety gate. Every mail queued while a message is handled is
 * recorded against that message, for its trace.
 */
export function openEmbedded(config: PostroomConfig, spool: Spool, logger: Logger): EmbeddedSink {
  // The routing thread's notes, issues and queued mail reach the disk a settle at a time (one
  // fsync for all the deliveries it records), not one fsync for each.
  const { tracker, outbox, close } = openNotifyingTracker(config, logger, 'grouped');
  const context = outgoingContext(config);
  const isOwnAddress = ownAddressCheck(context);
  const notices: RejectionNotices | undefined = outbox && noticesFor(config, outbox, logger);
  const templates = {
    incoming:
      config.incomingEmail.enabled && config.incomingEmail.address
        ? compileTemplate(config.incomingEmail.address)
        : undefined,
    serviceDesk:
      config.serviceDeskEmail.enabled && config.serviceDeskEmail.address
        ? compileTemplate(config.serviceDeskEmail.address)
        : undefined,
    gitlabHost: config.host,
  };
  const deps: ReceiverDeps = {
    templates,
    sink: new TrackerSink(tracker),
    textOf: (mail) => mailTextOf(mail, config.reply, htmlNodesWithin(config.worker.heapLimit)),
    isOwnAddress,
    isKnownSender: async (address) => tracker.userByVerifiedEmail(address) !== null,
    alreadyDone: (messageId, key) => spool.queue.doneTwin(messageId, key),
    senderPolicy: config.senderAuth,
  };
  const inner = receiverProcessor(deps, notices);
  return {
    tracker,
    process: (message, delivery, raw) => withSpoolMessage(message.id, () => inner(message, delivery, raw)),
    makeDurable: () => tracker.makeDurable(),
    purgeSentMail: outbox && ((before) => outbox.purgeSent(before)),
    close,
  };
}

function noticesFor(config: PostroomConfig, outbox: Outbox, logger: Logger): RejectionNotices {
  const notifier = createRejectionNotifier({
    context: outgoingContext(config),
    outbox,
    noticeLog: new NoticeLog(outbox.db),
    limitPerSenderPerHour: config.outgoing.noticeLimitPerSenderPerHour,
    logger,
  });
  return {
    async send({ mail, error, envelopeSender }) {
      const outcome = notifier.notify({
        error,
        automatic: false,
        original: {
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          messageId: mail.messageId ?? null,
          headers: mail.headers,
          envelopeSender,
        },
      });
      return outcome.status === 'queued'
        ? `queued ${outcome.messageId} (outbox ${outcome.outboxId})`
        : `not sent: ${outcome.reason}`;
    },
  };
}
