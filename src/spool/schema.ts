import type Database from 'better-sqlite3';

/** Each entry moves the schema one version on; `PRAGMA user_version` records how far a file has come. */
export const MIGRATIONS: readonly string[] = [
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
  // One delivery per accepted recipient carries the state that changes, so the message row (and
  // its bytes) is written once and never rewritten. `budget_from` is when the current budget of
  // attempts and age began: reception, or the last replay.
  `CREATE TABLE deliveries (
     id              INTEGER PRIMARY KEY,
     message         INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     recipient       TEXT,
     state           TEXT    NOT NULL DEFAULT 'queued',
     attempts        INTEGER NOT NULL DEFAULT 0,
     budget_from     INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     last_error      TEXT,
     mail_key        TEXT,
     key_source      TEXT,
     handler         TEXT,
     outcome         TEXT,
     finished_at     INTEGER
   );
   INSERT INTO deliveries (message, recipient, state, attempts, budget_from, next_attempt_at, last_error,
                           mail_key, key_source, handler, outcome, finished_at)
     SELECT id, json_extract(recipients, '$[0]'), state, attempts, received_at, next_attempt_at, last_error,
            mail_key, key_source, handler, outcome, finished_at
     FROM messages ORDER BY id;
   CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
   CREATE INDEX deliveries_of_message ON deliveries (message);
   CREATE INDEX deliveries_by_key ON deliveries (mail_key);
   ALTER TABLE message_events ADD COLUMN delivery INTEGER REFERENCES deliveries(id) ON DELETE CASCADE;
   UPDATE message_events SET delivery = (SELECT id FROM deliveries WHERE deliveries.message = message_events.message);
   DROP INDEX messages_due;
   DROP INDEX messages_by_message_key;
   ALTER TABLE messages DROP COLUMN state;
   ALTER TABLE messages DROP COLUMN attempts;
   ALTER TABLE messages DROP COLUMN next_attempt_at;
   ALTER TABLE messages DROP COLUMN last_error;
   ALTER TABLE messages DROP COLUMN mail_key;
   ALTER TABLE messages DROP COLUMN key_source;
   ALTER TABLE messages DROP COLUMN handler;
   ALTER TABLE messages DROP COLUMN outcome;
   ALTER TABLE messages DROP COLUMN finished_at;
   ALTER TABLE messages ADD COLUMN own_header_bytes INTEGER NOT NULL DEFAULT 0;`,
  // Larger messages' bytes in a file of the spool's (see BodyFiles), at an offset.
  `ALTER TABLE messages ADD COLUMN body_file TEXT;
   ALTER TABLE messages ADD COLUMN body_offset INTEGER;`,
  // Recipients refused at RCPT TO: no message was ever stored for them, so this is their only record.
  `CREATE TABLE rcpt_refusals (
     id              INTEGER PRIMARY KEY,
     at              INTEGER NOT NULL,
     session_id      TEXT    NOT NULL,
     client_address  TEXT,
     helo            TEXT,
     mail_from       TEXT    NOT NULL,
     recipient       TEXT    NOT NULL,
     code            INTEGER NOT NULL,
     reason          TEXT    NOT NULL
   );`,
  // Sender authentication's results (SPF, DKIM, DMARC, ARC) as JSON, for SMTP mail.
  `ALTER TABLE messages ADD COLUMN auth TEXT;`,
  // Which body files are in use, for the sweep at the writer's start (small messages have none).
  `CREATE INDEX messages_by_body_file ON messages (body_file) WHERE body_file IS NOT NULL;`,
  // Every page a commit touches is written whole to the WAL and again at the checkpoint, so a
  // state change should touch few: the indexes on state keep only the deliveries still open (a
  // handful: one hot page) and the failed ones, never the done ones; deliveries without a key
  // stay out of the key index; a message's trace events sit together in one B-tree, without a
  // second index beside it. Queries name an index's WHERE term literally (OPEN_STATES,
  // FAILED_STATES) so SQLite can use it. ORs, not IN: SQLite evaluates an IN list of three or
  // more through a temporary B-tree it builds at each run of the statement, every insert's.
  `DROP INDEX deliveries_due;
   DROP INDEX deliveries_by_key;
   CREATE INDEX deliveries_open ON deliveries (state, next_attempt_at)
     WHERE (state = 'queued' OR state = 'retry' OR state = 'processing');
   CREATE INDEX deliveries_failed ON deliveries (state, message)
     WHERE (state = 'dead' OR state = 'rejected' OR state = 'ignored');
   CREATE INDEX deliveries_by_key ON deliveries (mail_key) WHERE mail_key IS NOT NULL;
   CREATE TABLE trace_events (
     message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     seq      INTEGER NOT NULL,
     delivery INTEGER,
     at       INTEGER NOT NULL,
     attempt  INTEGER NOT NULL,
     kind     TEXT    NOT NULL,
     detail   TEXT,
     PRIMARY KEY (message, seq)
   ) WITHOUT ROWID;
   INSERT INTO trace_events (message, seq, delivery, at, attempt, kind, detail)
     SELECT message, row_number() OVER (PARTITION BY message ORDER BY id), delivery, at, attempt, kind, detail
     FROM message_events;
   DROP TABLE message_events;
   ALTER TABLE trace_events RENAME TO message_events;`,
];

/** The WHERE term of the index of open deliveries, to be repeated verbatim in the queries that use it. */
export const OPEN_STATES = `(state = 'queued' OR state = 'retry' OR state = 'processing')`;
/** The WHERE term of the index of failed deliveries, likewise. */
export const FAILED_STATES = `(state = 'dead' OR state = 'rejected' OR state = 'ignored')`;

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
