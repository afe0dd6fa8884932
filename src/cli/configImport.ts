import { readFileSync } from 'node:fs';
import { importedConfigText, importGitlabRb } from '../config/index.js';
import type { ParsedArgs } from './args.js';
import type { Command } from './commands.js';

/** `postroom config import <gitlab.rb>`: GitLab Omnibus's mail settings as a Postroom config, on stdout. */
async function configImport(args: ParsedArgs): Promise<void> {
  const [action, file] = args.positional;
  if (action !== 'import') {
    process.stderr.write(`postroom config: unknown action ${JSON.stringify(action)} (only import)\n`);
    process.exitCode = 64;
    return;
  }
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`postroom config import: cannot read ${file} (${(error as NodeJS.ErrnoException).code})\n`);
    process.exitCode = 1;
    return;
  }
  const imported = importGitlabRb(source);
  process.stdout.write(importedConfigText(imported, file));
  for (const note of imported.notes) process.stderr.write(`note: ${note}\n`);
}

export const configCommand: Command = {
  name: 'config',
  arguments: 'import <gitlab.rb>',
  summary:
    "Convert GitLab Omnibus's gitlab_rails['incoming_email_*'] / ['service_desk_email_*'] settings into a Postroom config (printed on stdout).",
  details:
    'Values from ENV[...] become ${NAME}, which Postroom reads from the environment. What cannot be carried over is listed as NOTE comments at the top and on stderr.\nExample: postroom config import /etc/gitlab/gitlab.rb > /etc/postroom/postroom.yml',
  options: {},
  positionals: { min: 2, max: 2 },
  run: configImport,
};
