import type { PollerHealth } from '../ingest/index.js';
import type { HttpSpool } from './types.js';

export interface PollerReport extends PollerHealth {
  /** No successful pass for longer than the threshold. */
  stuck: boolean;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  /** Why the status is failing, one line each. */
  problems: string[];
  /** Messages by state; null when the spool could not be read. */
  spool: Record<string, number> | null;
  ingest: PollerReport[];
}

export interface HealthInput {
  spool: Pick<HttpSpool, 'countByState'>;
  health: () => PollerHealth[];
  unhealthyAfterMs: number;
  /** A poller that never succeeded is judged from here. */
  startedAt: number;
  now: number;
}

/** One verdict for /health and /liveness: the spool answers, and no poller is stuck past the threshold. */
export function assessHealth(input: HealthInput): HealthReport {
  const problems: string[] = [];
  let spool: Record<string, number> | null = null;
  try {
    spool = input.spool.countByState();
  } catch (error) {
    problems.push(`spool unreadable: ${(error as Error).message}`);
  }
  let pollers: PollerHealth[] = [];
  try {
    pollers = input.health();
  } catch (error) {
    problems.push(`ingest health unavailable: ${(error as Error).message}`);
  }
  const ingest = pollers.map((poller): PollerReport => {
    const silentMs = input.now - (poller.lastSuccessAt ?? input.startedAt);
    const stuck = silentMs > input.unhealthyAfterMs;
    if (stuck) {
      const state = poller.connected ? 'connected but' : 'disconnected,';
      const why = poller.lastError ? ` (last error: ${poller.lastError})` : '';
      problems.push(
        `${poller.mailbox} ${poller.method} poller ${state} no successful pass for ${Math.round(silentMs / 1000)}s${why}`,
      );
    }
    return { ...poller, stuck };
  });
  return { status: problems.length === 0 ? 'ok' : 'failing', problems, spool, ingest };
}
