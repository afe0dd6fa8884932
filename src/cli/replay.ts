import type { ParsedArgs } from './args.js';
import { findMessages, openConfiguredSpool } from './openSpool.js';

const REPLAYABLE = new Set(['dead', 'rejected']);
const IN_PROGRESS = new Set(['queued', 'processing', 'retry']);

/**
 * `postroom replay <spool id | Message-ID> [--force]`: queue a message's dead or rejected
 * deliveries again (with --force, every finished one), each with a fresh budget of attempts and age.
 */
export async function replay(args: ParsedArgs): Promise<void> {
  const spool = openConfiguredSpool(args);
  try {
    const entries = findMessages(spool, args.positional[0]);
    if (entries.length === 0) {
      process.stderr.write(
        `postroom replay: no message ${args.positional[0] ?? '(give a spool id or a Message-ID)'}\n`,
      );
      process.exitCode = 1;
      return;
    }
    const force = args.flags.has('force');
    for (const entry of entries) {
      if (!REPLAYABLE.has(entry.state) && !force) {
        process.stderr.write(
          `message ${entry.id} is ${entry.state}; only dead or rejected messages are replayed (--force to replay anyway)\n`,
        );
        process.exitCode = 1;
        continue;
      }
      const chosen = entry.deliveries.filter((d) => (force ? !IN_PROGRESS.has(d.state) : REPLAYABLE.has(d.state)));
      const queued = chosen.filter((d) => spool.queue.requeue(d.id, Date.now(), 'replayed by an operator'));
      const which =
        entry.deliveries.length > 1 ? ` (${queued.map((d) => `<${d.recipient ?? 'headers'}>`).join(', ')})` : '';
      process.stdout.write(
        queued.length > 0
          ? `message ${entry.id} queued again${which}\n`
          : `message ${entry.id} is already queued or in progress\n`,
      );
    }
  } finally {
    await spool.close();
  }
}
