import { assessHealth } from './health.js';
import { renderMetrics } from './metrics.js';
import { json, text } from './reply.js';
import type { HttpDeps, Route } from './types.js';

export interface StatusOptions {
  deps: HttpDeps;
  unhealthyAfterMs: number;
  startedAt: number;
  now: () => number;
}

/** The open endpoints: what a load balancer, a supervisor or Prometheus asks without a token. */
export function statusRoutes(options: StatusOptions): Route[] {
  const assess = () =>
    assessHealth({
      spool: options.deps.spool,
      health: options.deps.health,
      unhealthyAfterMs: options.unhealthyAfterMs,
      startedAt: options.startedAt,
      now: options.now(),
    });
  return [
    {
      method: 'GET',
      path: '/health',
      handle() {
        const report = assess();
        return json(report, report.status === 'ok' ? 200 : 503);
      },
    },
    {
      // mail_room's health check answers /liveness; a probe written for it keeps working.
      method: 'GET',
      path: '/liveness',
      handle() {
        const report = assess();
        return report.status === 'ok' ? text('OK\n') : text(`${report.problems.join('\n')}\n`, undefined, 503);
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle() {
        let pollers: ReturnType<HttpDeps['health']> = [];
        try {
          pollers = options.deps.health();
        } catch {
          // /health reports it; metrics still give what they can
        }
        return text(renderMetrics(options.deps.spool, pollers), 'text/plain; version=0.0.4; charset=utf-8');
      },
    },
  ];
}
