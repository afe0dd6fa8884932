import type Database from 'better-sqlite3';

/**
 * Each entry moves the schema one version on; `PRAGMA user_version` records how far a file has come.
 * Every lookup the Sink makes has an index of its own here.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id                    INTEGER PRIMARY KEY,
     username              TEXT    NOT NULL,
     username_lower        TEXT    NOT NULL UNIQUE,
     name                  TEXT    NOT NULL,
     email                 TEXT    NOT NULL,
     incoming_email_token  TEXT    NOT NULL UNIQUE,
     blocked               INTEGER NOT NULL DEFAULT 0,
     is_support_bot        INTEGER NOT NULL DEFAULT 0,
     created_at            INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX users_one_support_bot ON users (is_support_bot) WHERE is_support_bot = 1;
   CREATE TABLE user_emails (
     email_lower  TEXT    PRIMARY KEY,
     email        TEXT    NOT NULL,
     user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     is_primary   INTEGER NOT NULL,
     verified     INTEGER NOT NULL
   );
   CREATE INDEX user_emails_by_user ON user_emails (user_id);

   CREATE TABLE projects (
     id                                   INTEGER PRIMARY KEY,
     full_path                            TEXT    NOT NULL,
     full_path_lower                      TEXT    NOT NULL UNIQUE,
     slug                                 TEXT    NOT NULL,
     name                                 TEXT    NOT NULL,
     visibility                           TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
     default_branch                       TEXT    NOT NULL,
     repository_path                      TEXT,
     service_desk_enabled                 INTEGER NOT NULL DEFAULT 0,
     service_desk_project_key             TEXT,
     tickets_confidential_by_default      INTEGER NOT NULL DEFAULT 1,
     add_external_participants_from_cc    INTEGER NOT NULL DEFAULT 0,
     reopen_issue_on_external_participant_note INTEGER NOT NULL DEFAULT 0,
     created_at                           INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX projects_service_desk_key ON projects (service_desk_project_key, slug)
     WHERE service_desk_project_key IS NOT NULL;
   CREATE TABLE members (
     project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     access      INTEGER NOT NULL,
     PRIMARY KEY (project_id, user_id)
   ) WITHOUT ROWID;

   CREATE TABLE internal_ids (
     project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     usage       TEXT    NOT NULL,
     last_value  INTEGER NOT NULL,
     PRIMARY KEY (project_id, usage)
   ) WITHOUT ROWID;

   CREATE TABLE issues (
     id               INTEGER PRIMARY KEY,
     project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     iid              INTEGER NOT NULL,
     title            TEXT    NOT NULL,
     description      TEXT    NOT NULL,
     author_id        INTEGER NOT NULL REFERENCES users(id),
     state            TEXT    NOT NULL DEFAULT 'opened',
     confidential     INTEGER NOT NULL DEFAULT 0,
     external_author  TEXT,
     thank_you_sent   INTEGER NOT NULL DEFAULT 0,
     created_at       INTEGER NOT NULL,
     updated_at       INTEGER NOT NULL,
     UNIQUE (project_id, iid)
   );
   CREATE TABLE merge_requests (
     id               INTEGER PRIMARY KEY,
     project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     iid              INTEGER NOT NULL,
     title            TEXT    NOT NULL,
     description      TEXT    NOT NULL,
     author_id        INTEGER NOT NULL REFERENCES users(id),
     state            TEXT    NOT NULL DEFAULT 'opened',
     source_branch    TEXT    NOT NULL,
     target_branch    TEXT    NOT NULL,
     created_at       INTEGER NOT NULL,
     updated_at       INTEGER NOT NULL,
     UNIQUE (project_id, iid)
   );
   CREATE INDEX merge_requests_by_source ON merge_requests (project_id, source_branch, state);

   -- Labels and assignees belong to either kind of noteable.
   CREATE TABLE labels (
     noteable_type  TEXT    NOT NULL,
     noteable_id    INTEGER NOT NULL,
     name           TEXT    NOT NULL,
     PRIMARY KEY (noteable_type, noteable_id, name)
   ) WITHOUT ROWID;
   CREATE TABLE assignees (
     noteable_type  TEXT    NOT NULL,
     noteable_id    INTEGER NOT NULL,
     user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     PRIMARY KEY (noteable_type, noteable_id, user_id)
   ) WITHOUT ROWID;

   CREATE TABLE notes (
     id               INTEGER PRIMARY KEY,
     project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     noteable_type    TEXT    NOT NULL,
     noteable_id      INTEGER NOT NULL,
     discussion_id    TEXT    NOT NULL,
     author_id        INTEGER NOT NULL REFERENCES users(id),
     body             TEXT    NOT NULL,
     internal         INTEGER NOT NULL DEFAULT 0,
     external_author  TEXT,
     created_at       INTEGER NOT NULL
   );
   CREATE INDEX notes_by_noteable ON notes (noteable_type, noteable_id, id);
   CREATE INDEX notes_by_discussion ON notes (noteable_type, noteable_id, discussion_id);

   -- GitLab list-partitions sent notifications; here a partition is a number on the row plus
   -- a row in sent_notification_partitions that says when it started and was last written.
   CREATE TABLE sent_notification_partitions (
     partition     INTEGER PRIMARY KEY,
     started_at    INTEGER NOT NULL,
     last_used_at  INTEGER NOT NULL
   );
   CREATE TABLE sent_notifications (
     id               INTEGER PRIMARY KEY,
     partition        INTEGER NOT NULL,
     reply_key        TEXT    NOT NULL,
     namespace_id     INTEGER,
     recipient_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     project_id       INTEGER REFERENCES projects(id) ON DELETE SET NULL,
     noteable_type    TEXT    NOT NULL,
     noteable_id      INTEGER NOT NULL,
     discussion_id    TEXT,
     created_at       INTEGER NOT NULL
   );
   CREATE INDEX sent_notifications_by_partition_key ON sent_notifications (partition, reply_key);
   CREATE INDEX sent_notifications_by_key ON sent_notifications (reply_key);

   CREATE TABLE subscriptions (
     user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     noteable_type  TEXT    NOT NULL,
     noteable_id    INTEGER NOT NULL,
     subscribed     INTEGER NOT NULL,
     PRIMARY KEY (noteable_type, noteable_id, user_id)
   ) WITHOUT ROWID;

   CREATE TABLE todos (
     id             INTEGER PRIMARY KEY,
     user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     noteable_type  TEXT    NOT NULL,
     noteable_id    INTEGER NOT NULL,
     done           INTEGER NOT NULL DEFAULT 0,
     created_at     INTEGER NOT NULL
   );
   CREATE INDEX todos_by_user ON todos (user_id, done);
   CREATE INDEX todos_by_noteable ON todos (noteable_type, noteable_id, user_id);

   CREATE TABLE issue_email_participants (
     id           INTEGER PRIMARY KEY,
     issue_id     INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
     email_lower  TEXT    NOT NULL,
     email        TEXT    NOT NULL,
     created_at   INTEGER NOT NULL,
     UNIQUE (issue_id, email_lower)
   );

   CREATE TABLE issue_emails (
     issue_id     INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
     project_id   INTEGER NOT NULL,
     message_id   TEXT    NOT NULL,
     PRIMARY KEY (project_id, message_id)
   ) WITHOUT ROWID;

   CREATE TABLE uploads (
     id            INTEGER PRIMARY KEY,
     project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     author_id     INTEGER NOT NULL REFERENCES users(id),
     secret        TEXT    NOT NULL UNIQUE,
     filename      TEXT    NOT NULL,
     content_type  TEXT    NOT NULL,
     sha256        TEXT    NOT NULL,
     content       BLOB    NOT NULL,
     created_at    INTEGER NOT NULL
   );
   CREATE INDEX uploads_by_content ON uploads (project_id, sha256, filename);

   CREATE TABLE applied_actions (
     idempotency_key  TEXT    NOT NULL UNIQUE,
     result           TEXT    NOT NULL,
     applied_at       INTEGER NOT NULL
   );

   -- A branch pushed for an action not yet committed: a retry of that action may replace it.
   CREATE TABLE pending_branches (
     idempotency_key  TEXT    PRIMARY KEY,
     project_id       INTEGER NOT NULL,
     branch           TEXT    NOT NULL
   ) WITHOUT ROWID;`,
  // Every mail Postroom sends, written in the transaction of the action that causes it and sent
  // from here; a thank-you is due once (thank_you_due) and counts as sent only after the relay's 250.
  `ALTER TABLE issues ADD COLUMN thank_you_due INTEGER NOT NULL DEFAULT 0;
   UPDATE issues SET thank_you_due = thank_you_sent;
   CREATE TABLE outbox (
     id               INTEGER PRIMARY KEY,
     kind             TEXT    NOT NULL,
     state            TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'retry', 'sent', 'dead')),
     message_id       TEXT    NOT NULL,
     recipients       TEXT    NOT NULL,
     subject          TEXT    NOT NULL,
     message          TEXT    NOT NULL,
     spool_id         INTEGER,
     entity_type      TEXT,
     entity_id        INTEGER,
     thank_you_for    INTEGER UNIQUE,
     attempts         INTEGER NOT NULL DEFAULT 0,
     -- While sending: when the sender's lease runs out and another may take the mail.
     next_attempt_at  INTEGER NOT NULL,
     last_error       TEXT,
     response         TEXT,
     created_at       INTEGER NOT NULL,
     updated_at       INTEGER NOT NULL
   );
   CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
   CREATE INDEX outbox_by_spool ON outbox (spool_id) WHERE spool_id IS NOT NULL;
   CREATE INDEX outbox_by_entity ON outbox (entity_type, entity_id) WHERE entity_type IS NOT NULL;`,
  // Service Desk: may a stranger whose mail passed aligned authentication join a ticket by replying?
  `ALTER TABLE projects ADD COLUMN add_aligned_repliers_as_participants INTEGER NOT NULL DEFAULT 0;`,
  // A note's recipients include everyone who commented: read from the index, not from every note.
  `CREATE INDEX notes_by_author ON notes (noteable_type, noteable_id, author_id);`,
];

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the tracker file was written by a newer Postroom (schema ${current}, this one knows ${MIGRATIONS.length})`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
