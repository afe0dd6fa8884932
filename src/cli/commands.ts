import { CONFIG_OPTION, type ArgsSpec, type ParsedArgs } from './args.js';
import { configCommand } from './configImport.js';

export interface Command extends ArgsSpec {
  run(args: ParsedArgs): Promise<void>;
}

/**
 * Every command with the options it declares; anything else on its command line is a usage error.
 * A command's module is loaded when it runs, so `serve` carries none of the libraries only the
 * others need (IMAP, the relay check, DKIM): each costs the long-running process memory.
 */
export const COMMANDS: Record<string, Command> = {
  serve: {
    name: 'serve',
    arguments: '',
    summary: 'Run the SMTP front door, the routing thread, the IMAP/Graph pollers and the HTTP server.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: async (args) => (await import('./serve.js')).serve(args),
  },
  check: {
    name: 'check',
    arguments: '',
    summary:
      'Verify the config, the mailboxes (IMAP login as the poller does it, Graph token and folder), the SMTP listener and certificate, the outgoing relay, the tracker database, address lengths and the GitLab sink. One line per check; exit 0 only when nothing failed.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: async (args) => (await import('./check.js')).check(args),
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
    run: async (args) => (await import('./trace.js')).trace(args),
  },
  replay: {
    name: 'replay',
    arguments: '<spool id | Message-ID>',
    summary: "Queue a message's dead or rejected recipients again, each with a fresh budget of attempts and age.",
    options: { force: { type: 'boolean', description: 'replay a message in any state' }, ...CONFIG_OPTION },
    positionals: { min: 1, max: 1 },
    run: async (args) => (await import('./replay.js')).replay(args),
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
    run: async (args) => (await import('./secret.js')).secret(args),
  },
  backup: {
    name: 'backup',
    arguments: '<folder>',
    summary:
      'Copy the spool (with its body files) and the embedded tracker (with its repositories) into a new folder, consistently, while Postroom runs.',
    details: 'To restore: stop Postroom, put each copy back where backup.json says it came from, start Postroom.',
    options: CONFIG_OPTION,
    positionals: { min: 1, max: 1 },
    run: async (args) => (await import('./backup.js')).backup(args),
  },
  seed: {
    name: 'seed',
    arguments: '',
    summary: 'Create a demo user and project in the embedded tracker and print their addresses.',
    options: CONFIG_OPTION,
    positionals: { min: 0, max: 0 },
    run: async (args) => (await import('./seed.js')).seed(args),
  },
  config: configCommand,
};
