import type Database from 'better-sqlite3';

/**
 * Runs several reads in one read transaction: one lock on the WAL and one look at whether another
 * connection wrote (which empties this connection's page cache) for all of them, instead of one
 * for every statement. It takes no turn on the process's write lock (takeTurns): `BEGIN` alone
 * locks nothing, and what runs inside only reads. Inside a transaction already, it just runs.
 */
export function readTransaction(db: Database.Database): <T>(read: () => T) => T {
  const begin = db.prepare('BEGIN');
  const end = db.prepare('COMMIT');
  return (read) => {
    if (db.inTransaction) return read();
    begin.run();
    try {
      return read();
    } finally {
      end.run();
    }
  };
}
