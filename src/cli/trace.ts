import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';
import { findMessages, openConfiguredSpool } from './openSpool.js';
import { loadConfig } from '../config/index.js';
import { describeOutgoingMail, outgoingMailOf, type OutgoingMail } from '../outgoing/index.js';
import type { Spool, SpoolEntry } from '../spool/index.js';

/** `postroom trace <spool id | Message-ID> [--json]`: everything known about a message, step by step. */
export async function trace(args: ParsedArgs): Promise<void> {
  const spool = openConfiguredSpool(args);
  const outgoing = outgoingMailOf(
    loadConfig(configPath(args), process.env, { encryptedCredentials: false }).tracker.path,
  );
  try {
    const entries = findMessages(spool, args.positional[0]);
    if (entries.length === 0) {
      process.stderr.write(`postroom trace: no message ${args.positional[0] ?? '(give a spool id or a Message-ID)'}\n`);
      process.exitCode = 1;
      return;
    }
    const traces = entries.map((entry) => ({
      ...entry,
      events: spool.queue.events(entry.id),
      outgoing: outgoing.causedBy(entry.id),
    }));
    process.stdout.write(
      args.flags.has('json')
        ? `${JSON.stringify(traces, null, 2)}\n`
        : traces.map((t) => describe(spool, t)).join('\n'),
    );
  } finally {
    outgoing.close();
    await spool.close();
  }
}

function describe(
  _spool: Spool,
  entry: SpoolEntry & { events: ReturnType<Spool['queue']['events']>; outgoing: OutgoingMail[] },
): string {
  const time = (ms: number) => new Date(ms).toISOString();
  const lines = [
    `message ${entry.id} ${entry.messageId ?? '(no Message-ID)'}`,
    `  received  ${time(entry.receivedAt)} via ${entry.source} from ${entry.clientAddress ?? '?'} (helo ${entry.helo ?? '?'})${entry.tls ? ' over TLS' : ''}`,
    `  envelope  from <${entry.mailFrom}> to ${entry.recipients.map((r) => `<${r}>`).join(', ') || '(none: read from headers)'}`,
    `  size      ${entry.size} bytes`,
    `  key       ${entry.key ?? '(none found)'}${entry.keySource ? ` (from ${entry.keySource})` : ''}`,
    `  handler   ${entry.handler ?? '-'}`,
    `  state     ${entry.state} after ${entry.attempts} attempt(s)${entry.lastError ? `: ${entry.lastError}` : ''}`,
    '  steps:',
    ...entry.events.map(
      (e) => `    ${time(e.at)}  #${e.attempt} ${e.kind}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}`,
    ),
    ...describeOutgoingMail(entry.outgoing),
  ];
  return `${lines.join('\n')}\n`;
}
