#!/usr/bin/env node
import { ConfigErrors } from '../config/index.js';
import { check } from './check.js';
import { parseArgs } from './args.js';
import { replay } from './replay.js';
import { secret } from './secret.js';
import { seed } from './seed.js';
import { serve } from './serve.js';
import { trace } from './trace.js';

const USAGE = `usage: postroom <command> [options]

commands:
  serve [--config FILE]   run the SMTP front door (config also from POSTROOM_CONFIG)
  check [--config FILE]   verify the config, mailboxes, listener, certificate and GitLab sink
  trace <spool id | Message-ID | --state STATE> [--json]
                          what happened to a message, per recipient: key, handler, every attempt
  replay <spool id | Message-ID> [--force]
                          queue a message's dead or rejected recipients again, with a fresh budget
  secret write|show|edit <incoming_email|service_desk_email> [--config FILE]
                          keep a mailbox's user and password encrypted (AES-256-GCM)
  seed [--config FILE]    create a demo user and project in the embedded tracker; print their addresses
`;

const commands: Record<string, (args: ReturnType<typeof parseArgs>) => Promise<void>> = {
  serve,
  check,
  secret,
  trace,
  replay,
  seed,
};

// `postroom trace … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const run = args.command ? commands[args.command] : undefined;
  if (!run) {
    process.stderr.write(USAGE);
    process.exitCode = args.command ? 64 : 0;
    return;
  }
  await run(args);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigErrors) {
    process.stderr.write(`postroom: refusing to start: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`postroom: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
