import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { backupSpool } from '../spool/backup.js';
import { syncPath } from '../sqlite/durableFiles.js';
import { backupTracker } from '../tracker/backup.js';
import { repositoriesDirOf } from '../tracker/tracker.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

/**
 * `postroom backup <folder>`: a consistent copy of the spool (with its body files) and of the
 * embedded tracker (with its repositories), taken while Postroom runs, and `backup.json` saying
 * where each came from. The config, the encrypted mailbox secrets with their key, and the TLS key
 * are left for the operator to keep apart: a copy that holds the secrets beside their key protects
 * nothing.
 */
export async function backup(args: ParsedArgs): Promise<void> {
  const config = loadConfig(configPath(args), process.env, { encryptedCredentials: false });
  const folder = path.resolve(args.positional[0]);
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    process.stderr.write(`postroom backup: ${folder} is not empty; give a new or empty folder\n`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(folder, { recursive: true });
  const manifest: Record<string, unknown> = { createdAt: new Date().toISOString() };
  if (existsSync(config.store.path)) manifest.spool = copySpool(config.store.path, folder);
  else process.stdout.write(`spool: none yet at ${config.store.path}\n`);
  if (config.sink === 'embedded' && existsSync(config.tracker.path))
    manifest.tracker = copyTracker(config.tracker.path, folder);
  writeFileSync(path.join(folder, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The copies are fsynced one by one; this makes their names in the folder last too.
  syncPath(path.join(folder, 'backup.json'));
  syncPath(folder);
  process.stdout.write(
    'not copied: the config, the encrypted mailbox secrets and their key, the TLS key; keep them apart\n',
  );
}

function copySpool(file: string, folder: string) {
  const copy = path.join(folder, 'spool.db');
  const spool = backupSpool(file, copy);
  const meanwhile = spool.removedMeanwhile > 0 ? `; ${spool.removedMeanwhile} removed by retention meanwhile` : '';
  process.stdout.write(`spool: ${spool.messages} messages, ${spool.bodyFiles} body files → ${copy}${meanwhile}\n`);
  if (spool.missingBodies.length > 0) {
    process.stderr.write(
      `postroom backup: the spool has lost the bytes of message(s) ${spool.missingBodies.join(', ')} (their body file is gone); the copy has them as the spool does\n`,
    );
    process.exitCode = 1;
  }
  return { from: path.resolve(file), copy: 'spool.db', ...spool };
}

function copyTracker(file: string, folder: string) {
  const copy = path.join(folder, 'tracker.db');
  const repositories = repositoriesDirOf(path.resolve(file));
  const tracker = backupTracker(file, repositories, copy, path.join(folder, 'repositories'));
  const withRepositories = tracker.repositories ? ', repositories' : '';
  process.stdout.write(
    `tracker: ${tracker.projects} projects, ${tracker.issues} issues${withRepositories} → ${copy}\n`,
  );
  return {
    from: path.resolve(file),
    copy: 'tracker.db',
    ...(tracker.repositories ? { repositoriesFrom: repositories, repositoriesCopy: 'repositories' } : {}),
    ...tracker,
  };
}
