import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/** JSON lines on stdout; every part adds its own ids (session, message) through child loggers. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'postroom' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
