import type { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { assessHealth, livenessProblems, type HealthInput } from './health.js';
import { createMetrics } from './metrics.js';
import type { HttpSources } from './types.js';

/**
 * The open endpoints: what a load balancer, a supervisor or Prometheus asks without a token.
 * /liveness keeps mail_room's path, so a probe written for it keeps working.
 */
export function mountStatus(app: Hono<AppEnv>, sources: HttpSources, input: () => HealthInput): void {
  const metrics = createMetrics(sources, input);
  const plain = (lines: string[], ok: boolean) =>
    new Response(ok ? 'OK\n' : `${lines.join('\n')}\n`, {
      status: ok ? 200 : 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  app.get('/health', (c) => {
    const report = assessHealth(input());
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
  app.get('/liveness', () => {
    const problems = livenessProblems(assessHealth(input()));
    return plain(problems, problems.length === 0);
  });
  app.get('/readiness', () => {
    const report = assessHealth(input());
    const problems = [...livenessProblems(report), ...report.readinessProblems];
    return plain(problems, problems.length === 0);
  });
  app.get('/metrics', async () => {
    return new Response(await metrics.scrape(), {
      headers: { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' },
    });
  });
}
