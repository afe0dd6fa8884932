import type { Logger } from '../log/logger.js';
import type { OutgoingContext } from './context.js';
import type { Mailer, MailOutcome } from './mailer.js';
import { noticeGate, type NoticeRequest } from './noticeGate.js';
import type { NoticeLog } from './noticeLog.js';
import { ownAddressCheck } from './ownAddresses.js';
import { buildRejectionNotice } from './rejectionNotice.js';

/** `refused`: the safety gate or the rate limit said no, and nothing was sent. */
export type NoticeOutcome = MailOutcome | { status: 'refused'; reason: string };

export interface RejectionNotifier {
  notify(request: NoticeRequest): Promise<NoticeOutcome>;
}

export interface RejectionNotifierOptions {
  context: OutgoingContext;
  mailer: Mailer;
  noticeLog: NoticeLog;
  limitPerSenderPerHour: number;
  logger: Logger;
  now?: () => number;
}

/** Gate, then rate limit, then build and send: the only path by which a notice leaves. */
export function createRejectionNotifier(options: RejectionNotifierOptions): RejectionNotifier {
  const { context, mailer, noticeLog, limitPerSenderPerHour } = options;
  const isOwnAddress = ownAddressCheck(context);
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'outgoing' });

  return {
    async notify(request) {
      const refused = (reason: string): NoticeOutcome => {
        log.info(
          { error: request.error.name, originalMessageId: request.original.messageId, reason },
          'rejection notice refused',
        );
        return { status: 'refused', reason };
      };
      const decision = noticeGate(request, isOwnAddress);
      if (!decision.allowed) return refused(decision.refusal);
      const reservation = noticeLog.reserve(decision.recipients, limitPerSenderPerHour, now());
      if (!reservation.granted) return refused(reservation.refusal);

      const notice = buildRejectionNotice(context, request.original, decision.reason, decision.recipients);
      const outcome = await mailer.send(notice);
      // Only a notice that left counts against the sender's allowance.
      if (outcome.status !== 'sent') noticeLog.release(reservation);
      return outcome;
    },
  };
}
