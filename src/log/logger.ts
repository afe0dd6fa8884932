import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/**
 * JSON lines on stdout; every part adds its own ids (session, message) through child loggers.
 * Lines are written asynchronously (those that arrive during a write go out together): a
 * synchronous write per line costs the SMTP front a fifth of its time under load.
 * `flushLogs` empties the buffer on the way out.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const sink = destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino({ level, base: { service: 'postroom' }, timestamp: pino.stdTimeFunctions.isoTime }, sink);
  flushers.push(() => {
    const boom = sink as { flushSync?: () => void };
    try {
      boom.flushSync?.();
    } catch {
      // nothing left to write, or stdout is gone: either way there is nothing more to do
    }
  });
  return logger;
}

const flushers: (() => void)[] = [];

export function flushLogs(): void {
  for (const flush of flushers) flush();
}
