import type { Section } from './reader.js';
import type { SmtpLimits } from './types.js';

/**
 * The `smtp` keys that keep slow and greedy clients from holding the front door: deadlines no
 * trickled byte extends, a per-address connection cap, and how much DATA may wait in memory.
 */
export function readSmtpLimits(smtp: Section): SmtpLimits {
  return {
    commandTimeoutMs: smtp.duration('command_timeout', 30_000, 100, 3_600_000),
    dataTimeoutMs: smtp.duration('data_timeout', 600_000, 100, 86_400_000),
    minDataRate: smtp.size('min_data_rate', 1024),
    sessionLifetimeMs: smtp.duration('session_lifetime', 600_000, 100, 86_400_000),
    maxConnectionsPerAddress: smtp.integer('max_connections_per_ip', 50, 1, 100_000),
    memoryBudget: smtp.size('memory_budget', 32 * 1024 * 1024),
    spillThreshold: smtp.size('spill_threshold', 256 * 1024),
  };
}
