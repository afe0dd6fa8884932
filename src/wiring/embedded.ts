import { compileTemplate } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import {
  createMailer,
  createRejectionNotifier,
  NoticeLog,
  outgoingContext,
  ownAddressCheck,
  startNotifications,
  type Mailer,
} from '../outgoing/index.js';
import { receiverProcessor, type RejectionNotices } from '../receiver/processor.js';
import { mailTextOf } from '../receiver/mailText.js';
import type { ReceiverDeps } from '../receiver/receiver.js';
import type { Spool } from '../spool/index.js';
import { openTracker, TrackerSink, type Tracker } from '../tracker/index.js';
import type { Processor } from '../worker/types.js';

export interface EmbeddedSink {
  tracker: Tracker;
  process: Processor;
  close(): Promise<void>;
}

export interface NotifyingTracker {
  tracker: Tracker;
  mailer: Mailer;
  close(): Promise<void>;
}

/**
 * The tracker with notifications following its events, so whatever creates an issue, a note or
 * an MR (mail in the routing thread, the HTTP API in the main one) mails its participants.
 */
export function openNotifyingTracker(config: PostroomConfig, logger: Logger): NotifyingTracker {
  const tracker = openTracker(config.tracker.path, {
    onListenerError: (error, event) => logger.error({ err: error, event }, 'a tracker event listener failed'),
  });
  const mailer = createMailer(config.outgoing, logger);
  // With outgoing mail off there is no one to give a reply key to: no fan-out, no keys recorded.
  const notifications = config.outgoing.enabled
    ? startNotifications({ tracker, mailer, context: outgoingContext(config), logger })
    : undefined;
  return {
    tracker,
    mailer,
    async close() {
      notifications?.stop();
      await notifications?.idle();
      mailer.close();
      tracker.close();
    },
  };
}

/**
 * The default sink: routed actions land in the embedded tracker; rejection notices go out
 * through the configured relay, behind the outgoing safety gate.
 */
export function openEmbedded(config: PostroomConfig, spool: Spool, logger: Logger): EmbeddedSink {
  const { tracker, mailer, close } = openNotifyingTracker(config, logger);
  const context = outgoingContext(config);
  const isOwnAddress = ownAddressCheck(context);
  const notifier = createRejectionNotifier({
    context,
    mailer,
    noticeLog: new NoticeLog(spool.db),
    limitPerSenderPerHour: config.outgoing.noticeLimitPerSenderPerHour,
    logger,
  });
  const notices: RejectionNotices = {
    async send({ mail, error, envelopeSender }) {
      const outcome = await notifier.notify({
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
      switch (outcome.status) {
        case 'sent':
          return `sent ${outcome.messageId}`;
        case 'refused':
          return `not sent: ${outcome.reason}`;
        default:
          return `not sent: ${outcome.reason}`;
      }
    },
  };
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
    automatic: { ownAddresses: isOwnAddress, host: config.host },
    textOf: mailTextOf,
    isOwnAddress,
    isKnownSender: async (address) => tracker.userByVerifiedEmail(address) !== null,
    alreadyDone: (messageId, key) => spool.queue.doneTwin(messageId, key),
    senderPolicy: config.senderAuth,
  };
  return {
    tracker,
    process: receiverProcessor(deps, config.outgoing.enabled ? notices : undefined),
    close,
  };
}
