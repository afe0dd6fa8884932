import { CONFIG_OPTION, type ArgsSpec, type ParsedArgs } from './args.js';
import { check } from './check.js';
import { configCommand } from './configImport.js';
import { replay } from './replay.js';
import { secret } from './secret.js';
import { seed } from './seed.js';
import { serve } from './serve.js';
import { trace } from './trace.js';

export interface Command extends ArgsSpec {
  run(args: ParsedArgs): Promise<void>;
}

/** Every command with the options it declares; anything else on its command line is a usage error. */
export const COMMANDS: Record<string, Command> = {
  serve: {
    name: 'serve',
    arguments: '',
    summary: 'Run the SMTP front door, the routing thread, the IMAP/Graph pollers and the HTTP server.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: serve,
  },
  check: {
    name: 'check',
    arguments: '',
    summary:
      'Verify the config, the mailboxes (IMAP login as the poller does it, Graph token and folder), the SMTP listener and certificate, the outgoing relay, the tracker database, address lengths and the GitLab sink. One line per check; exit 0 only when nothing failed.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: check,
  },
  trace: {
    name: 'trace',
    arguments: '[<spool id | Message-ID>]',
    summary:
      'What happened to a message, per recipient: envelope, where its key came from, the handler, every attempt.',
    options: {
      json: { type: 'boolean', description: 'print the trace as JSON' },
      state: { type: 'string', description: 'trace the latest messages with a recipient in this state (e.g. dead)' },
      ...CONFIG_OPTION,
    },
    positionals: { min: 0, max: 1 },
    run: trace,
  },
  replay: {
    name: 'replay',
    arguments: '<spool id | Message-ID>',
    summary: "Queue a message's dead or rejected recipients again, each with a fresh budget of attempts and age.",
    options: { force: { type: 'boolean', description: 'replay a message in any state' }, ...CONFIG_OPTION },
    positionals: { min: 1, max: 1 },
    run: replay,
  },
  secret: {
    name: 'secret',
    arguments: 'write|show|edit <incoming_email|service_desk_email>',
    summary: "Keep a mailbox's user and password encrypted (AES-256-GCM).",
    details:
      'write reads "user: ..." and "password: ..." YAML from stdin; show prints it; edit opens $EDITOR on it.\nThe key is POSTROOM_SECRETS_KEY (base64 of 32 bytes) or secrets.key_file (the first write creates it).',
    options: CONFIG_OPTION,
    // secret answers a missing or wrong action with its own usage.
    positionals: { min: 0, max: 2 },
    run: secret,
  },
  seed: {
    name: 'seed',
    arguments: '',
    summary: 'Create a demo user and project in the embedded tracker and print their addresses.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: seed,
  },
  config: configCommand,
};
