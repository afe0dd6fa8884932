import type { ParsedArgs } from './args.js';
import { findMessages, openConfiguredSpool } from './openSpool.js';

const REPLAYABLE = new Set(['dead', 'rejected']);

/** `postroom replay <spool id | Message-ID> [--force]`: queue a dead or rejected message again. */
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
    for (const entry of entries) {
      if (!REPLAYABLE.has(entry.state) && !args.flags.has('force')) {
        process.stderr.write(
          `message ${entry.id} is ${entry.state}; only dead or rejected messages are replayed (--force to replay anyway)\n`,
        );
        process.exitCode = 1;
        continue;
      }
      const queued = spool.queue.requeue(entry.id, Date.now(), 'replayed by an operator');
      process.stdout.write(
        queued ? `message ${entry.id} queued again\n` : `message ${entry.id} is already queued or in progress\n`,
      );
    }
  } finally {
    await spool.close();
  }
}
