import { closeSync, fsyncSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** fsync of a file or a folder: what a file holds, or the names in a folder, survive a power cut. */
export function syncPath(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A whole copy of a database in use, as one read transaction sees it, made durable. VACUUM INTO
 * reads in one transaction, so the writers go on meanwhile; the page-by-page backup API would
 * start over at each of their commits and, under load, never finish.
 */
export function copyDatabase(db: Database.Database, copyFile: string): void {
  db.prepare('VACUUM INTO ?').run(copyFile);
  syncPath(copyFile);
}
