import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, opendirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { syncPath } from '../sqlite/durableFiles.js';

/** Whether a stored message still points into a body file (an index read: messages_by_body_file). */
export function bodyFileInUse(db: Database.Database): (file: string) => boolean {
  const query = db.prepare('SELECT EXISTS (SELECT 1 FROM messages WHERE body_file = ?)').pluck();
  return (file) => query.get(file) === 1;
}

/** Where a spool file keeps the bytes of its larger messages: beside it, as SQLite keeps `-wal`. */
export function bodyDirOf(spoolFile: string): string {
  return `${spoolFile}-bodies`;
}

// The names writeBatch gives: anything else in the folder is not ours to remove.
const BATCH_FILE = /^\d+-[0-9a-f]{12}$/;
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/**
 * Larger messages' bytes live in files, one per commit, written and fsynced before the rows that
 * point into them are committed. In the database they would be written twice (the WAL, then the
 * checkpoint into the file); here they are written once.
 */
export class BodyFiles {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes the bodies one after another into a new file and makes it durable; answers its name and each offset. */
  writeBatch(bodies: Iterable<Buffer>[]): { file: string; offsets: number[] } {
    const file = `${Date.now()}-${randomBytes(6).toString('hex')}`;
    const offsets: number[] = [];
    const fd = openSync(path.join(this.dir, file), 'wx');
    try {
      let at = 0;
      for (const chunks of bodies) {
        offsets.push(at);
        for (const chunk of chunks) {
          for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done, at + done);
          at += chunk.length;
        }
      }
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      this.remove(file);
      throw error;
    }
    closeSync(fd);
    // The new file's name must survive a power cut as well as its bytes.
    syncPath(this.dir);
    return { file, offsets };
  }

  read(file: string, offset: number, size: number): Buffer {
    const bytes = Buffer.allocUnsafe(size);
    const fd = openSync(path.join(this.dir, file), 'r');
    try {
      for (let done = 0; done < size;) {
        const read = readSync(fd, bytes, done, size - done, offset + done);
        if (read === 0) throw new Error(`message bytes cut short in ${file}`);
        done += read;
      }
    } finally {
      closeSync(fd);
    }
    return bytes;
  }

  /** A batch file none of whose messages was stored. */
  remove(file: string): void {
    rmSync(path.join(this.dir, file), { force: true });
  }

  /**
   * Removes the batch files no stored message points into: what a crash between a batch's
   * fsync and its commit leaves behind (those messages were never answered 250). A batch is
   * committed within seconds of its file, so only files older than ORPHAN_AGE_MS are candidates:
   * never one another process sharing the spool is about to commit. One file per step, each
   * answering whether it went, so the writer can look at a few hundred between two commits: a
   * folder of a million files is read in seconds, and no 250 may wait for that.
   */
  *sweepUnreferenced(isReferenced: (file: string) => boolean, now = Date.now()): Generator<boolean, void, void> {
    const folder = opendirSync(this.dir);
    try {
      for (let entry = folder.readSync(); entry; entry = folder.readSync()) {
        const orphan = this.isOrphan(entry.name, isReferenced, now);
        if (orphan) this.remove(entry.name);
        yield orphan;
      }
    } finally {
      folder.closeSync();
    }
  }

  private isOrphan(file: string, isReferenced: (file: string) => boolean, now: number): boolean {
    if (!BATCH_FILE.test(file)) return false;
    let modified: number;
    try {
      modified = statSync(path.join(this.dir, file)).mtimeMs;
    } catch {
      // Gone since the folder was read: retention removed it meanwhile.
      return false;
    }
    return now - modified >= ORPHAN_AGE_MS && !isReferenced(file);
  }
}
