import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/**
 * JSON lines on stdout; every part adds its own ids (session, message) through child loggers.
 * Lines are written asynchronously and gathered: a write goes out once LOG_BATCH_BYTES are
 * waiting, or LOG_FLUSH_MS after the first line, whichever comes first. One write per line
 * costs the SMTP front a tenth of its time under load (each is a system call handed to libuv's
 * thread pool). `flushLogs` empties the buffer on the way out.
 */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_MS = 100;

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const sink =
    destination ?? pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS });
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
// pino flushes on the main thread's exit by itself; a thread's logger (routing) needs this.
process.once('exit', () => flushLogs());

export function flushLogs(): void {
  for (const flush of flushers) flush();
}
