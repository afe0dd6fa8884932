import type { HealthReport } from '../health.js';
import type { HttpSources } from '../types.js';
import type { MessageLog } from './messageLog.js';

/** What the console's pages read: the sources, the message list, the health verdict, the clock. */
export interface ConsoleDeps {
  sources: HttpSources;
  log: MessageLog;
  health: () => HealthReport;
  now: () => number;
}
