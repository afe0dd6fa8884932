import type { Logger } from '../log/logger.js';
import type { Spool } from '../spool/index.js';

// A pass soon after start, then one an hour: the age is counted in days, an hour late is nothing.
const FIRST_PASS_MS = 60_000;
const PASS_EVERY_MS = 3_600_000;

export interface RetentionTimer {
  stop(): Promise<void>;
}

/**
 * Runs the retention passes in the routing thread (its connections, its event loop): the spool's
 * finished mail, then the mail the outbox sent (`purgeSentMail`, when the sink keeps one).
 */
export function startRetention(
  spool: Spool,
  retentionMs: number,
  logger: Logger,
  purgeSentMail?: (before: number) => Promise<number>,
  now: () => number = Date.now,
): RetentionTimer {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const pass = () => {
    const before = now() - retentionMs;
    running = spool
      .purgeFinished(before)
      .then(async (removed) => {
        if (removed.messages > 0) logger.info({ ...removed, retentionMs }, 'finished mail past its retention removed');
        const sent = (await purgeSentMail?.(before)) ?? 0;
        if (sent > 0) logger.info({ mails: sent, retentionMs }, 'sent mail past its retention removed from the outbox');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'retention pass failed; the next one tries again'));
    timer = setTimeout(pass, PASS_EVERY_MS);
    timer.unref();
  };
  if (retentionMs > 0) {
    timer = setTimeout(pass, FIRST_PASS_MS);
    timer.unref();
  }
  return {
    async stop() {
      clearTimeout(timer);
      await running;
    },
  };
}
