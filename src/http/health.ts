import type { PollerHealth } from '../ingest/index.js';
import { daysUntil, type TlsStatus } from '../smtp/certificateReload.js';
import type { HttpSources, RoutingHealth } from './types.js';

export interface PollerReport extends PollerHealth {
  /** No successful pass for longer than the threshold. */
  stuck: boolean;
}

export interface BacklogReport {
  /** Messages waiting for routing: queued, due retries and those being processed. */
  waiting: number;
  /** How long the longest-waiting due message has waited; 0 when nothing is due. */
  oldestDueAgeSeconds: number;
}

export interface HealthReport {
  /** `failing` when anything below is wrong; `/readiness` answers from the same list. */
  status: 'ok' | 'failing';
  /** Why the status is failing, one line each. */
  problems: string[];
  /** The subset of problems that mean mail is not moving (routing down, backlog too old). */
  readinessProblems: string[];
  /** Messages by state; null when the spool could not be read. */
  spool: Record<string, number> | null;
  backlog: BacklogReport | null;
  /** Null when routing runs elsewhere (`worker.enabled: false`). */
  routing: RoutingHealth | null;
  /** Outgoing mail by state; null where there is no outbox to read. */
  outbox: Record<string, number> | null;
  ingest: PollerReport[];
  /**
   * The certificate STARTTLS serves, and whether its last reload failed; null without an SMTP
   * front. It never fails the status: senders still get TLS from it, and a restart would not help.
   */
  tls: (TlsStatus & { daysLeft: number }) | null;
}

export interface HealthInput extends Pick<HttpSources, 'spool' | 'health' | 'routing' | 'outbox' | 'tls'> {
  unhealthyAfterMs: number;
  maxQueueAgeMs: number;
  /** A poller that never succeeded is judged from here. */
  startedAt: number;
  now: number;
}

const WAITING_STATES = ['queued', 'retry', 'processing'];

/**
 * One verdict for /health, /liveness and /readiness. Liveness: the spool answers and no poller is
 * stuck. Readiness adds what says mail is not moving: routing down, or due mail waiting too long.
 */
export function assessHealth(input: HealthInput): HealthReport {
  const problems: string[] = [];
  const readinessProblems: string[] = [];
  const attempt = <T>(what: string, read: () => T, into = problems): T | null => {
    try {
      return read();
    } catch (error) {
      into.push(`${what}: ${(error as Error).message}`);
      return null;
    }
  };
  const spool = attempt('spool unreadable', () => input.spool.countByState());
  const nextDueAt = attempt('spool unreadable', () => input.spool.queue.nextDueAt(), readinessProblems);
  const backlog: BacklogReport | null =
    spool === null
      ? null
      : {
          waiting: WAITING_STATES.reduce((sum, state) => sum + (spool[state] ?? 0), 0),
          oldestDueAgeSeconds: Math.max(0, Math.floor((input.now - (nextDueAt ?? input.now)) / 1000)),
        };
  if (backlog && backlog.oldestDueAgeSeconds * 1000 > input.maxQueueAgeMs) {
    readinessProblems.push(
      `the oldest due message has waited ${backlog.oldestDueAgeSeconds}s (more than ${input.maxQueueAgeMs / 1000}s)`,
    );
  }
  const routing = input.routing ? attempt('routing health unavailable', input.routing, readinessProblems) : null;
  if (routing && !routing.running) {
    const why = routing.lastError ? ` (last error: ${routing.lastError})` : '';
    readinessProblems.push(`the routing thread is not running after ${routing.restarts} restarts${why}`);
  }
  const outbox = input.outbox ? attempt('outbox unreadable', () => input.outbox?.countByState() ?? null) : null;
  const pollers = attempt('ingest health unavailable', input.health) ?? [];
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
  const tls = input.tls ? input.tls() : null;
  const all = [...problems, ...readinessProblems.filter((p) => !problems.includes(p))];
  return {
    status: all.length === 0 ? 'ok' : 'failing',
    problems: all,
    readinessProblems,
    spool,
    backlog,
    routing,
    outbox,
    ingest,
    tls: tls && { ...tls, daysLeft: daysUntil(tls.notAfter, input.now) },
  };
}

/** Liveness leaves out what a restart would not cure (a backlog, a routing thread being restarted). */
export function livenessProblems(report: HealthReport): string[] {
  return report.problems.filter((problem) => !report.readinessProblems.includes(problem));
}
