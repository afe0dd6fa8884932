import type Database from 'better-sqlite3';

/** Each entry moves the schema one version on; `PRAGMA user_version` records how far a file has come. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE messages (
     id              INTEGER PRIMARY KEY,
     received_at     INTEGER NOT NULL,
     source          TEXT    NOT NULL,
     source_ref      TEXT    UNIQUE,
     mailbox         TEXT,
     session_id      TEXT    NOT NULL,
     client_address  TEXT,
     helo            TEXT,
     tls             INTEGER NOT NULL DEFAULT 0,
     mail_from       TEXT    NOT NULL,
     recipients      TEXT    NOT NULL,
     message_id      TEXT,
     size            INTEGER NOT NULL,
     raw             BLOB,
     state           TEXT    NOT NULL DEFAULT 'queued',
     attempts        INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     last_error      TEXT
   );
   CREATE TABLE message_chunks (
     message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     seq      INTEGER NOT NULL,
     data     BLOB    NOT NULL,
     PRIMARY KEY (message, seq)
   ) WITHOUT ROWID;
   CREATE INDEX messages_due ON messages (state, next_attempt_at);
   CREATE INDEX messages_by_message_id ON messages (message_id);`,
  // The worker's side: what the routing found, the outcome, and a trace of every step.
  `ALTER TABLE messages ADD COLUMN mail_key TEXT;
   ALTER TABLE messages ADD COLUMN key_source TEXT;
   ALTER TABLE messages ADD COLUMN handler TEXT;
   ALTER TABLE messages ADD COLUMN outcome TEXT;
   ALTER TABLE messages ADD COLUMN finished_at INTEGER;
   CREATE INDEX messages_by_message_key ON messages (message_id, mail_key);
   CREATE TABLE message_events (
     id       INTEGER PRIMARY KEY,
     message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     at       INTEGER NOT NULL,
     attempt  INTEGER NOT NULL,
     kind     TEXT    NOT NULL,
     detail   TEXT
   );
   CREATE INDEX message_events_by_message ON message_events (message, id);`,
  // Sender authentication's results (SPF, DKIM, DMARC, ARC) as JSON, for SMTP mail.
  `ALTER TABLE messages ADD COLUMN auth TEXT;`,
];

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the spool file was written by a newer Postroom (schema ${current}, this one knows ${MIGRATIONS.length})`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
