import { resultSummary } from '../auth/results.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';
import { findMessages, openConfiguredSpool } from './openSpool.js';
import { loadConfig } from '../config/index.js';
import { describeOutgoingMail, outgoingMailOf, type OutgoingMail } from '../outgoing/index.js';
import type { DeliveryEntry, MessageTrace, SpoolEvent, SpoolState } from '../spool/index.js';

const STATES: readonly SpoolState[] = ['queued', 'processing', 'retry', 'done', 'ignored', 'rejected', 'dead'];
const LISTED = 50;

/**
 * `postroom trace <spool id | Message-ID> [--json]`: everything known about a message, recipient
 * by recipient; `--state dead` (or any state) traces the latest messages with a delivery in it.
 */
export async function trace(args: ParsedArgs): Promise<void> {
  const state = args.flags.get('state');
  if (state === undefined && args.positional.length === 0) {
    process.stderr.write('postroom trace: expects <spool id | Message-ID> or --state STATE\n');
    process.exitCode = 64;
    return;
  }
  if (state !== undefined && !STATES.includes(state as SpoolState)) {
    process.stderr.write(`postroom trace: --state must be one of ${STATES.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  const spool = openConfiguredSpool(args);
  const outgoing = outgoingMailOf(
    loadConfig(configPath(args), process.env, { encryptedCredentials: false }).tracker.path,
  );
  try {
    const entries =
      state === undefined
        ? findMessages(spool, args.positional[0])
        : spool.messagesByState(state as SpoolState, { limit: LISTED });
    if (entries.length === 0) {
      const what =
        state === undefined ? (args.positional[0] ?? '(give a spool id or a Message-ID)') : `in state ${state}`;
      process.stderr.write(`postroom trace: no message ${what}\n`);
      process.exitCode = 1;
      return;
    }
    const traces = entries.flatMap((entry) => {
      const found = spool.trace(entry.id);
      return found ? [{ ...found, outgoing: outgoing.causedBy(entry.id) }] : [];
    });
    process.stdout.write(
      args.flags.has('json') ? `${JSON.stringify(traces, null, 2)}\n` : traces.map(describe).join('\n'),
    );
  } finally {
    outgoing.close();
    await spool.close();
  }
}

const time = (ms: number) => new Date(ms).toISOString();

function describe(entry: MessageTrace & { outgoing: OutgoingMail[] }): string {
  const lines = [
    `message ${entry.id} ${entry.messageId ?? '(no Message-ID)'}`,
    `  received  ${time(entry.receivedAt)} via ${entry.source} from ${entry.clientAddress ?? '?'} (helo ${entry.helo ?? '?'})${entry.tls ? ' over TLS' : ''}`,
    `  envelope  from <${entry.mailFrom}> to ${entry.recipients.map((r) => `<${r}>`).join(', ') || '(none: read from headers)'}`,
    `  size      ${entry.size} bytes`,
    `  auth      ${entry.auth ? resultSummary(entry.auth) : '(not checked)'}`,
    `  state     ${entry.state} (${entry.deliveries.length} recipient(s))`,
    ...entry.deliveries.flatMap(describeDelivery),
    ...describeSteps(
      entry.events.filter((e) => e.delivery === undefined),
      '  ',
    ),
    ...describeOutgoingMail(entry.outgoing),
  ];
  return `${lines.join('\n')}\n`;
}

function describeDelivery(delivery: DeliveryEntry & { events: SpoolEvent[] }): string[] {
  return [
    `  recipient ${delivery.recipient ? `<${delivery.recipient}>` : '(from the headers)'}  delivery ${delivery.id}`,
    `    key       ${delivery.key ?? '(none found)'}${delivery.keySource ? ` (from ${delivery.keySource})` : ''}`,
    `    handler   ${delivery.handler ?? '-'}`,
    `    state     ${delivery.state} after ${delivery.attempts} attempt(s)${delivery.lastError ? `: ${delivery.lastError}` : ''}`,
    ...describeSteps(delivery.events, '    '),
  ];
}

function describeSteps(events: SpoolEvent[], indent: string): string[] {
  if (events.length === 0) return [];
  return [
    `${indent}steps:`,
    ...events.map(
      (e) => `${indent}  ${time(e.at)}  #${e.attempt} ${e.kind}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}`,
    ),
  ];
}
