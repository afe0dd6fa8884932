import { loadConfig, type PostroomConfig } from '../config/index.js';
import { addressTemplates, personalAddresses } from '../http/addresses.js';
import { openTracker } from '../tracker/index.js';
import { seedDemo, type SeededDemo } from '../tracker/seed.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

/**
 * `postroom seed [--config FILE]`: the quick start's demo user and project in the configured
 * tracker, then the addresses to write to. Seeding again prints the same thing.
 */
export async function seed(args: ParsedArgs): Promise<void> {
  const config = loadConfig(configPath(args), process.env, { encryptedCredentials: false });
  if (config.sink !== 'embedded') {
    process.stderr.write('postroom seed: sink is gitlab, so there is no embedded tracker to seed\n');
    process.exitCode = 1;
    return;
  }
  // Opened as `serve` opens it, so whichever runs first creates the same Support Bot.
  const tracker = openTracker(config.tracker.path);
  try {
    process.stdout.write(quickStart(config, await seedDemo(tracker)));
  } finally {
    tracker.close();
  }
}

function quickStart(config: PostroomConfig, demo: SeededDemo): string {
  const { user, project } = demo;
  const addresses = personalAddresses(addressTemplates(config), project, demo.incomingEmailToken);
  // A wildcard listener is reached on loopback from the same machine.
  const host = ['0.0.0.0', '::', ''].includes(config.smtp.host) ? '127.0.0.1' : config.smtp.host;
  const server = `${host.includes(':') ? `[${host}]` : host}:${config.smtp.port}`;
  // A mailbox without %{key} has no such address, and so no line to try it with.
  const swaks = (from: string, to: string | null, rest: string) =>
    to ? [`  swaks --server ${server} --from ${from} --to '${to}' ${rest}`] : [];
  return [
    `tracker   ${config.tracker.path}`,
    `user      ${user.username} <${user.email}> (verified), maintainer of ${project.fullPath}`,
    `project   ${project.fullPath} (id ${project.id}), with a repository, Service Desk on`,
    '',
    `new issue          ${addresses.newIssue ?? '(incoming_email has no %{key})'}`,
    `new merge request  ${addresses.newMergeRequest ?? '(incoming_email has no %{key})'}`,
    `service desk       ${addresses.serviceDesk ?? '(no mailbox with %{key})'}`,
    '',
    'Try it:',
    ...swaks(user.email, addresses.newIssue, `--header 'Subject: The homepage is blank' --body 'Opened by email.'`),
    '  # with a patch made by git format-patch; the subject names the new branch',
    ...swaks(
      user.email,
      addresses.newMergeRequest,
      `--header 'Subject: fix-homepage' --attach @0001-fix-homepage.patch`,
    ),
    ...swaks(
      'customer@example.org',
      addresses.serviceDesk,
      `--header 'Subject: I cannot log in' --body 'Help, please.'`,
    ),
    '',
  ].join('\n');
}
