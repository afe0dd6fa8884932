import type Database from 'better-sqlite3';

const HOUR_MS = 60 * 60 * 1000;

export type NoticeReservation = { granted: true; ids: number[] } | { granted: false; refusal: string };

/**
 * Counts rejection notices per recipient over a rolling hour, in the caller's SQLite file so the
 * limit survives restarts: a loop with an auto-responder must not start over after each crash.
 */
export class NoticeLog {
  private readonly countSince: Database.Statement<[string, number], { count: number }>;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly prune: Database.Statement<[number]>;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS outgoing_notice_log (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        sent_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS outgoing_notice_log_recipient ON outgoing_notice_log (recipient, sent_at);
    `);
    this.countSince = db.prepare(
      'SELECT count(*) AS count FROM outgoing_notice_log WHERE recipient = ? AND sent_at > ?',
    );
    this.insert = db.prepare('INSERT INTO outgoing_notice_log (recipient, sent_at) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM outgoing_notice_log WHERE sent_at <= ?');
  }

  /**
   * Takes one notice from each recipient's hourly allowance, all or none. Check and record happen
   * in one transaction, so two rejections racing for the last slot cannot both win.
   */
  reserve(recipients: string[], limitPerHour: number, now: number = Date.now()): NoticeReservation {
    return this.db
      .transaction((): NoticeReservation => {
        this.prune.run(now - HOUR_MS);
        for (const recipient of recipients) {
          const { count } = this.countSince.get(recipient.toLowerCase(), now - HOUR_MS) ?? { count: 0 };
          if (count >= limitPerHour) {
            return {
              granted: false,
              refusal: `${recipient} already had ${count} notice(s) in the last hour (limit ${limitPerHour})`,
            };
          }
        }
        const ids = recipients.map((recipient) =>
          Number(this.insert.run(recipient.toLowerCase(), now).lastInsertRowid),
        );
        return { granted: true, ids };
      })
      .immediate();
  }
}
