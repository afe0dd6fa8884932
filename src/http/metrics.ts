import { Counter, Gauge, Registry } from 'prom-client';
import type { SpoolState } from '../spool/index.js';
import { assessHealth, type HealthInput, type HealthReport, type PollerReport } from './health.js';
import type { HttpSources } from './types.js';

// Every state is written, zero included, so a series does not vanish when its last message moves on.
const STATES: readonly SpoolState[] = ['queued', 'processing', 'retry', 'done', 'ignored', 'rejected', 'dead'];

export type MetricsInput = () => HealthInput;

export interface Metrics {
  contentType: string;
  /** The Prometheus text exposition of every series, read now. */
  scrape(): Promise<string>;
}

/**
 * A registry of its own (not prom-client's global one), so two servers in one process never share
 * series. Every value is read from its source at scrape time; nothing here counts by itself.
 */
export function createMetrics(sources: HttpSources, input: MetricsInput): Metrics {
  const registry = new Registry();
  const spool = sources.spool;
  // One health assessment per scrape, read by every collector below.
  let report: HealthReport;
  new Gauge({
    name: 'postroom_spool_readable',
    help: 'Whether the spool answered a query (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(report.spool ? 1 : 0);
    },
  });
  new Gauge({
    name: 'postroom_messages',
    help: 'Messages in the spool by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = report.spool;
      if (!counts) return;
      for (const state of new Set([...STATES, ...Object.keys(counts)])) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'postroom_backlog',
    help: 'Messages waiting for routing (queued, retry, processing).',
    registers: [registry],
    collect() {
      this.reset();
      if (report.backlog) this.set(report.backlog.waiting);
    },
  });
  new Gauge({
    name: 'postroom_backlog_oldest_age_seconds',
    help: 'How long the longest-waiting due message has waited for routing.',
    registers: [registry],
    collect() {
      this.reset();
      if (report.backlog) this.set(report.backlog.oldestDueAgeSeconds);
    },
  });
  new Gauge({
    name: 'postroom_ready',
    help: 'Whether /readiness answers 200 (1) or 503 (0).',
    registers: [registry],
    collect() {
      this.set(report.readinessProblems.length === 0 ? 1 : 0);
    },
  });
  absoluteCounter(
    registry,
    'postroom_spool_commits_total',
    'Spool commits (one commit may carry several messages).',
    () => spool.stats.commits,
  );
  absoluteCounter(
    registry,
    'postroom_spool_stored_total',
    'Messages committed to the spool.',
    () => spool.stats.stored,
  );
  absoluteCounter(registry, 'postroom_spool_failed_total', 'Spool commits that failed.', () => spool.stats.failed);
  if (sources.routing) {
    new Gauge({
      name: 'postroom_routing_running',
      help: 'Whether the routing thread is running.',
      registers: [registry],
      collect() {
        this.set(report.routing?.running ? 1 : 0);
      },
    });
    absoluteCounter(
      registry,
      'postroom_routing_restarts_total',
      'Times the routing thread was started again after it stopped.',
      () => report.routing?.restarts ?? 0,
    );
  }
  if (sources.smtpReplies) {
    const replies = sources.smtpReplies;
    new Counter({
      name: 'postroom_smtp_verdicts_total',
      help: 'RCPT TO and end-of-DATA answers by SMTP reply code.',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [code, count] of Object.entries(replies())) this.inc({ code }, count);
      },
    });
  }
  if (sources.outbox) {
    new Gauge({
      name: 'postroom_outbox',
      help: 'Outgoing mail by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [state, count] of Object.entries(report.outbox ?? {})) this.set({ state }, count);
      },
    });
  }
  if (sources.tls) tlsMetrics(registry, () => report.tls);
  pollerMetrics(registry, () => report.ingest);
  return {
    contentType: registry.contentType,
    scrape() {
      report = assessHealth(input());
      return registry.metrics();
    },
  };
}

/** What an alert on a certificate about to expire, or on a renewal that was refused, reads. */
function tlsMetrics(registry: Registry, tls: () => HealthReport['tls']): void {
  new Gauge({
    name: 'postroom_tls_certificate_expiry_timestamp_seconds',
    help: 'When the certificate STARTTLS serves stops being valid (Unix time).',
    registers: [registry],
    collect() {
      this.reset();
      const served = tls();
      if (served) this.set(served.notAfter / 1000);
    },
  });
  new Gauge({
    name: 'postroom_tls_reload_failing',
    help: 'Whether the last new key and certificate were refused (1), the previous pair still served.',
    registers: [registry],
    collect() {
      this.reset();
      const served = tls();
      if (served) this.set(served.reloadError ? 1 : 0);
    },
  });
}

/** A counter whose total is kept elsewhere: each scrape writes the source's current value. */
function absoluteCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function pollerMetrics(registry: Registry, pollers: () => PollerReport[]): void {
  const labelNames = ['mailbox', 'method'] as const;
  const each = (set: (labels: { mailbox: string; method: string }, poller: PollerReport) => void) => {
    for (const poller of pollers()) set({ mailbox: poller.mailbox, method: poller.method }, poller);
  };
  new Gauge({
    name: 'postroom_ingest_connected',
    help: 'Whether the poller is connected to its mailbox.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      each((labels, p) => this.set(labels, p.connected ? 1 : 0));
    },
  });
  new Counter({
    name: 'postroom_ingest_reconnects_total',
    help: 'Poller reconnections.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      each((labels, p) => this.inc(labels, p.reconnects));
    },
  });
  new Counter({
    name: 'postroom_ingest_failed_stores_total',
    help: 'Fetched messages the spool refused (left unread on the server).',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      each((labels, p) => this.inc(labels, p.failedStores));
    },
  });
  new Gauge({
    name: 'postroom_ingest_last_success_timestamp_seconds',
    help: 'When the poller last completed a pass.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      each((labels, p) => {
        if (p.lastSuccessAt !== undefined) this.set(labels, p.lastSuccessAt / 1000);
      });
    },
  });
}
