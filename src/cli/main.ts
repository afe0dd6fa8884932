#!/usr/bin/env node
import { ConfigErrors } from '../config/index.js';
import { commandHelp, parseCommandArgs, usageLine, UsageError } from './args.js';
import { COMMANDS } from './commands.js';

// sysexits.h: the command was used incorrectly.
const EX_USAGE = 64;
const EX_CONFIG = 78;

function overview(): string {
  const rows = Object.values(COMMANDS).map(
    (command) => `  ${command.name.padEnd(8)} ${firstSentence(command.summary)}`,
  );
  return `usage: postroom <command> [options]\n\ncommands:\n${rows.join('\n')}\n\n"postroom <command> --help" describes a command and its options.\n`;
}

function firstSentence(text: string): string {
  return text.split(/(?<=\.) /)[0];
}

// `postroom trace … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    process.stdout.write(about ? commandHelp(about) : overview());
    return;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`postroom: unknown command ${JSON.stringify(name)}\n\n${overview()}`);
    process.exitCode = EX_USAGE;
    return;
  }
  let args;
  try {
    args = parseCommandArgs(command, rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(
      `postroom ${name}: ${error.message}\n${usageLine(command)}\n(postroom ${name} --help for more)\n`,
    );
    process.exitCode = EX_USAGE;
    return;
  }
  if (args === 'help') process.stdout.write(commandHelp(command));
  else await command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigErrors) {
    process.stderr.write(`postroom: refusing to start: ${error.message}\n`);
    process.exit(EX_CONFIG);
  }
  process.stderr.write(`postroom: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
