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
