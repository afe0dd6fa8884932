import type Database from 'better-sqlite3';

/**
 * Prepared statements, compiled once per SQL text: compiling costs more than most of these
 * lookups themselves (RCPT TO asks one per recipient). A statement whose mode a caller changed
 * (pluck, raw, expand) is handed out again in its default mode.
 */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    } else if (statement.reader) {
      statement.pluck(false).expand(false).raw(false);
    }
    return statement;
  };
}
