import type { Logger } from '../log/logger.js';
import type { OutgoingContext } from './context.js';
import { noticeGate, type NoticeRequest } from './noticeGate.js';
import type { NoticeLog } from './noticeLog.js';
import type { Outbox } from './outbox/index.js';
import { ownAddressCheck } from './ownAddresses.js';
import { buildRejectionNotice } from './rejectionNotice.js';

/** `queued`: in the outbox, which says later whether the relay took it; `refused`: never written. */
export type NoticeOutcome =
  { status: 'queued'; messageId: string; outboxId: number } | { status: 'refused'; reason: string };

export interface RejectionNotifier {
  notify(request: NoticeRequest): NoticeOutcome;
}

export interface RejectionNotifierOptions {
  context: OutgoingContext;
  outbox: Outbox;
  /** On the outbox's database, so the allowance and the notice commit together. */
  noticeLog: NoticeLog;
  limitPerSenderPerHour: number;
  logger: Logger;
  now?: () => number;
}

/** Gate, then rate limit, then build and queue: the only path by which a notice leaves. */
export function createRejectionNotifier(options: RejectionNotifierOptions): RejectionNotifier {
  const { context, outbox, noticeLog, limitPerSenderPerHour } = options;
  const isOwnAddress = ownAddressCheck(context);
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'outgoing' });

  return {
    notify(request) {
      const refused = (reason: string): NoticeOutcome => {
        log.info(
          { error: request.error.name, originalMessageId: request.original.messageId, reason },
          'rejection notice refused',
        );
        return { status: 'refused', reason };
      };
      const decision = noticeGate(request, isOwnAddress);
      if (!decision.allowed) return refused(decision.refusal);
      const notice = buildRejectionNotice(context, request.original, decision.reason, decision.recipients);
      const outcome = outbox.db
        .transaction((): NoticeOutcome => {
          // A queued notice counts against the allowance even if it dies later: a loop breaker errs on silence.
          const reservation = noticeLog.reserve(decision.recipients, limitPerSenderPerHour, now());
          if (!reservation.granted) return { status: 'refused', reason: reservation.refusal };
          return { status: 'queued', messageId: notice.messageId, outboxId: outbox.enqueue({ message: notice }) };
        })
        .immediate();
      return outcome.status === 'refused' ? refused(outcome.reason) : outcome;
    },
  };
}
