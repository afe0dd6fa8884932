import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';

/**
 * Makes every insert into the spool file fail for real, through a second connection to the same
 * file (as a full disk or a broken file would): returns the function that heals it.
 */
export function breakSpoolStores(file: string, reason = 'disk full (test)'): () => void {
  const db = new Database(file);
  db.exec(
    `CREATE TRIGGER test_refuse_store BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, '${reason.replace(/'/g, "''")}'); END;`,
  );
  return () => {
    db.exec('DROP TRIGGER test_refuse_store');
    db.close();
  };
}

/**
 * Makes the spool's database and WAL files immutable (`chattr +i`, root on ext4): every write
 * by any connection fails with a real disk I/O error, as on a broken disk. Returns the healer,
 * or undefined where the flag cannot be set (not root, or a file system without it).
 */
export function freezeSpoolFiles(file: string): (() => void) | undefined {
  const files = [file, `${file}-wal`];
  try {
    execFileSync('chattr', ['+i', ...files], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('chattr', ['-i', ...files], { stdio: 'ignore' });
}
