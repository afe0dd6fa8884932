import type { PollerHealth } from '../ingest/index.js';
import type { SpoolState } from '../spool/index.js';
import type { HttpSpool } from './types.js';

// Every state is written, zero included, so a series does not vanish when its last message moves on.
const STATES: readonly SpoolState[] = ['queued', 'processing', 'retry', 'done', 'ignored', 'rejected', 'dead'];

type Sample = [labels: Record<string, string>, value: number];

/** The Prometheus text format (version 0.0.4), written by hand: a dozen lines need no client library. */
export function renderMetrics(spool: Pick<HttpSpool, 'countByState' | 'stats'>, pollers: PollerHealth[]): string {
  const out: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labelText(labels)} ${value}`);
  };

  let counts: Record<string, number> | null = null;
  try {
    counts = spool.countByState();
  } catch {
    counts = null;
  }
  metric('postroom_spool_readable', 'gauge', 'Whether the spool answered a query (1) or not (0).', [
    [{}, counts ? 1 : 0],
  ]);
  if (counts) {
    const states = [...new Set([...STATES, ...Object.keys(counts)])];
    metric(
      'postroom_messages',
      'gauge',
      'Messages in the spool by state.',
      states.map((state) => [{ state }, counts[state] ?? 0]),
    );
  }
  metric('postroom_spool_commits_total', 'counter', 'Spool commits (one commit may carry several messages).', [
    [{}, spool.stats.commits],
  ]);
  metric('postroom_spool_stored_total', 'counter', 'Messages committed to the spool.', [[{}, spool.stats.stored]]);
  metric('postroom_spool_failed_total', 'counter', 'Spool commits that failed.', [[{}, spool.stats.failed]]);

  const per = (value: (poller: PollerHealth) => number): Sample[] =>
    pollers.map((poller) => [{ mailbox: poller.mailbox, method: poller.method }, value(poller)]);
  metric(
    'postroom_ingest_connected',
    'gauge',
    'Whether the poller is connected to its mailbox.',
    per((p) => (p.connected ? 1 : 0)),
  );
  metric(
    'postroom_ingest_reconnects_total',
    'counter',
    'Poller reconnections.',
    per((p) => p.reconnects),
  );
  metric(
    'postroom_ingest_failed_stores_total',
    'counter',
    'Fetched messages the spool refused (left unread on the server).',
    per((p) => p.failedStores),
  );
  metric(
    'postroom_ingest_last_success_timestamp_seconds',
    'gauge',
    'When the poller last completed a pass.',
    pollers
      .filter((p) => p.lastSuccessAt !== undefined)
      .map((p) => [{ mailbox: p.mailbox, method: p.method }, (p.lastSuccessAt as number) / 1000]),
  );
  return `${out.join('\n')}\n`;
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
  );
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}
