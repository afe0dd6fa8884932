import { resultSummary } from '../auth/index.js';
import type { ParsedArgs } from './args.js';
import { findMessages, openConfiguredSpool } from './openSpool.js';
import type { Spool, SpoolEntry } from '../spool/index.js';

/** `postroom trace <spool id | Message-ID> [--json]`: everything known about a message, step by step. */
export async function trace(args: ParsedArgs): Promise<void> {
  const spool = openConfiguredSpool(args);
  try {
    const entries = findMessages(spool, args.positional[0]);
    if (entries.length === 0) {
      process.stderr.write(`postroom trace: no message ${args.positional[0] ?? '(give a spool id or a Message-ID)'}\n`);
      process.exitCode = 1;
      return;
    }
    const traces = entries.map((entry) => ({ ...entry, events: spool.queue.events(entry.id) }));
    process.stdout.write(
      args.flags.has('json')
        ? `${JSON.stringify(traces, null, 2)}\n`
        : traces.map((t) => describe(spool, t)).join('\n'),
    );
  } finally {
    await spool.close();
  }
}

function describe(_spool: Spool, entry: SpoolEntry & { events: ReturnType<Spool['queue']['events']> }): string {
  const time = (ms: number) => new Date(ms).toISOString();
  const lines = [
    `message ${entry.id} ${entry.messageId ?? '(no Message-ID)'}`,
    `  received  ${time(entry.receivedAt)} via ${entry.source} from ${entry.clientAddress ?? '?'} (helo ${entry.helo ?? '?'})${entry.tls ? ' over TLS' : ''}`,
    `  envelope  from <${entry.mailFrom}> to ${entry.recipients.map((r) => `<${r}>`).join(', ') || '(none: read from headers)'}`,
    `  size      ${entry.size} bytes`,
    `  auth      ${entry.auth ? resultSummary(entry.auth) : '(not checked)'}`,
    `  key       ${entry.key ?? '(none found)'}${entry.keySource ? ` (from ${entry.keySource})` : ''}`,
    `  handler   ${entry.handler ?? '-'}`,
    `  state     ${entry.state} after ${entry.attempts} attempt(s)${entry.lastError ? `: ${entry.lastError}` : ''}`,
    '  steps:',
    ...entry.events.map(
      (e) => `    ${time(e.at)}  #${e.attempt} ${e.kind}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
