import path from 'node:path';
import type Database from 'better-sqlite3';
import { pino } from 'pino';
import { parseConfigText, type PostroomConfig } from '../../src/config/index.js';
import type { Noteable, Project } from '../../src/handlers/sink.js';
import {
  createMailer,
  NoticeLog,
  Outbox,
  outgoingContext,
  startOutboxSender,
  type Mailer,
  type OutboxSender,
  type OutgoingContext,
} from '../../src/outgoing/index.js';
import { openDatabase } from '../../src/tracker/database.js';
import { tempDir } from '../helpers/postroom.js';

export const silentLogger = pino({ level: 'silent' });

/** A config like the sample's, with `outgoing` pointed at a capture relay. */
export function outgoingConfig(port: number, outgoingExtra = ''): PostroomConfig {
  return parseConfigText(
    `
host: postroom.test
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
service_desk_email:
  enabled: true
  address: "contact+%{key}@postroom.test"
outgoing:
  host: 127.0.0.1
  port: ${port}
  start_tls: never
  base_url: https://postroom.test
${outgoingExtra}
`,
    'test.yml',
    {},
  );
}

export interface OutgoingWorld {
  config: PostroomConfig;
  context: OutgoingContext;
  mailer: Mailer;
  dbFile: string;
  readonly db: Database.Database;
  readonly noticeLog: NoticeLog;
  /** The outbox in the (tracker) SQLite file, with a sender draining it into the relay. */
  readonly outbox: Outbox;
  /** Resolves once every mail due now has been handed to the relay (or failed). */
  sent(): Promise<void>;
  /** Closes and opens the SQLite file again, as a restart would. */
  reopen(): Promise<NoticeLog>;
  cleanup(): Promise<void>;
}

export function outgoingWorld(port: number, outgoingExtra = ''): OutgoingWorld {
  const { dir, cleanup } = tempDir('postroom-outgoing-');
  const config = outgoingConfig(port, outgoingExtra);
  const dbFile = path.join(dir, 'postroom.db');
  const mailer = createMailer(config.outgoing, silentLogger);
  const retry = { baseMs: 50, maxMs: 200, maxAgeMs: 60_000 };
  let db = openDatabase(dbFile);
  let noticeLog = new NoticeLog(db);
  let outbox = new Outbox(db);
  let sender: OutboxSender = startOutboxSender({ outbox, mailer, concurrency: 4, retry, logger: silentLogger });
  return {
    config,
    context: outgoingContext(config),
    mailer,
    dbFile,
    get db() {
      return db;
    },
    get noticeLog() {
      return noticeLog;
    },
    get outbox() {
      return outbox;
    },
    sent: () => sender.idle(),
    async reopen() {
      await sender.stop();
      db.close();
      db = openDatabase(dbFile);
      noticeLog = new NoticeLog(db);
      outbox = new Outbox(db);
      sender = startOutboxSender({ outbox, mailer, concurrency: 4, retry, logger: silentLogger });
      return noticeLog;
    },
    async cleanup() {
      await sender.stop();
      mailer.close();
      db.close();
      cleanup();
    },
  };
}

export const PROJECT: Project = {
  id: 7,
  fullPath: 'acme/Rocket.Launcher',
  slug: 'acme-rocket-launcher',
  name: 'Rocket Launcher',
  serviceDesk: {
    enabled: true,
    projectKey: null,
    ticketsConfidentialByDefault: true,
    addExternalParticipantsFromCc: false,
    reopenIssueOnExternalParticipantNote: false,
    addAlignedRepliersAsParticipants: false,
  },
};

export const ISSUE: Noteable = {
  type: 'Issue',
  id: 42,
  iid: 3,
  projectId: 7,
  title: 'Fuel gauge reads empty',
  state: 'opened',
  confidential: false,
};

export const MERGE_REQUEST: Noteable = {
  type: 'MergeRequest',
  id: 91,
  iid: 12,
  projectId: 7,
  title: 'Calibrate the gauge',
  state: 'merged',
  confidential: false,
};

/** Reply keys in GitLab's partitioned form. */
export const KEY_ALICE = '1-0123456789abcdefghijklmno-7';
export const KEY_BOB = '1-zyxwvutsrqponmlkjihgfedcb-7';
