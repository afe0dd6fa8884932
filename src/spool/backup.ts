import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyDatabase, syncPath } from '../sqlite/durableFiles.js';
import { bodyDirOf, bodyFileInUse } from './bodyFiles.js';

export interface SpoolBackup {
  messages: number;
  bodyFiles: number;
  /** Messages left out: retention removed them (and their body file) while the copy was made. */
  removedMeanwhile: number;
  /** Messages whose body file the spool itself has lost: kept, as in the spool, and named here. */
  missingBodies: number[];
}

/**
 * A consistent copy of a spool that is in use: its database as one read transaction sees it
 * (copyDatabase), then the body files that copy points into, in a folder of their own beside it
 * as the spool keeps them. Body files are written once and never changed, so copying one after
 * the snapshot copies the snapshot's. One that is gone by then was removed by retention with the
 * finished messages it held: they leave the copy too.
 */
export function backupSpool(liveFile: string, copyFile: string): SpoolBackup {
  const live = new Database(liveFile, { fileMustExist: true });
  try {
    copyDatabase(live, copyFile);
    return copyBodiesOfSnapshot(live, liveFile, copyFile);
  } finally {
    live.close();
  }
}

/**
 * backupSpool's second step, on a snapshot already taken: the body files it points into, read
 * from the live spool as it is now (retention may have run since the snapshot).
 */
export function copyBodiesOfSnapshot(live: Database.Database, liveFile: string, copyFile: string): SpoolBackup {
  // The copy is in rollback mode with synchronous=FULL: what copyBodyFiles deletes is fsynced.
  const copy = new Database(copyFile);
  try {
    return copyBodyFiles(live, copy, bodyDirOf(liveFile), bodyDirOf(copyFile));
  } finally {
    copy.close();
  }
}

function copyBodyFiles(live: Database.Database, copy: Database.Database, from: string, to: string): SpoolBackup {
  copy.pragma('foreign_keys = ON');
  const files = copy
    .prepare('SELECT DISTINCT body_file FROM messages WHERE body_file IS NOT NULL')
    .pluck()
    .all() as string[];
  mkdirSync(to, { recursive: true });
  const stillInLive = bodyFileInUse(live);
  const messagesIn = copy.prepare('SELECT id FROM messages WHERE body_file = ?').pluck();
  const dropMessagesIn = copy.prepare('DELETE FROM messages WHERE body_file = ?');
  let bodyFiles = 0;
  let removedMeanwhile = 0;
  const missingBodies: number[] = [];
  for (const file of files) {
    try {
      copyFileSync(path.join(from, file), path.join(to, file));
      syncPath(path.join(to, file));
      bodyFiles++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (stillInLive(file)) missingBodies.push(...(messagesIn.all(file) as number[]));
      else removedMeanwhile += dropMessagesIn.run(file).changes;
    }
  }
  syncPath(to);
  const messages = copy.prepare('SELECT count(*) FROM messages').pluck().get() as number;
  return { messages, bodyFiles, removedMeanwhile, missingBodies };
}
