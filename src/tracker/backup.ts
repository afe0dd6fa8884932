import { cpSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { copyDatabase } from '../sqlite/durableFiles.js';

export interface TrackerBackup {
  projects: number;
  issues: number;
  /** Whether there was a repositories folder (merge requests by email) to copy. */
  repositories: boolean;
}

/**
 * A consistent copy of the embedded tracker in use: its database in one read transaction
 * (copyDatabase; the server goes on writing), then the projects' bare repositories. Git writes
 * an object or a ref by renaming a finished file into place, so a copy taken meanwhile holds
 * whole files, at worst a push behind the database.
 */
export function backupTracker(
  liveFile: string,
  repositoriesDir: string,
  copyFile: string,
  copyRepositories: string,
): TrackerBackup {
  const live = new Database(liveFile, { fileMustExist: true });
  try {
    copyDatabase(live, copyFile);
  } finally {
    live.close();
  }
  const repositories = existsSync(repositoriesDir);
  if (repositories) cpSync(repositoriesDir, copyRepositories, { recursive: true, preserveTimestamps: true });
  const copy = new Database(copyFile, { readonly: true });
  try {
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return { projects: count('projects'), issues: count('issues'), repositories };
  } finally {
    copy.close();
  }
}
