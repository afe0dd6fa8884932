import type Database from 'better-sqlite3';
import type { Outcome, Routing, TraceEvent } from './outcome.js';

/**
 * The worker's view of the spool: claim due messages, record what happened, and read it back.
 * Every state change and its trace event are written in one transaction.
 */
export class WorkQueue {
  // Read-then-write transactions start IMMEDIATE: with several connections on the file (the
  // writer thread, the routing thread), a deferred one would fail rather than wait its turn.
  private readonly claimDue: Database.Transaction<(now: number, limit: number) => number[]>;
  private readonly addEvent: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.addEvent = db.prepare(
      'INSERT INTO message_events (message, at, attempt, kind, detail) VALUES (?, ?, ?, ?, ?)',
    );
    const due = db
      .prepare(
        `SELECT id FROM messages WHERE state IN ('queued', 'retry') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .pluck();
    const take = db
      .prepare(`UPDATE messages SET state = 'processing', attempts = attempts + 1 WHERE id = ? RETURNING attempts`)
      .pluck();
    this.claimDue = db.transaction((now: number, limit: number) => {
      const ids = due.all(now, limit) as number[];
      for (const id of ids) {
        this.addEvent.run(id, now, take.get(id) as number, 'claimed', null);
      }
      return ids;
    });
  }

  private attemptOf(id: number): number {
    return this.db.prepare('SELECT attempts FROM messages WHERE id = ?').pluck().get(id) as number;
  }

  /** A process that died mid-message left it `processing`: at start, it goes back in line. */
  recoverInterrupted(now: number): number {
    const ids = this.db.prepare(`SELECT id FROM messages WHERE state = 'processing'`).pluck().all() as number[];
    this.db
      .transaction(() => {
        for (const id of ids) {
          this.db.prepare(`UPDATE messages SET state = 'retry', next_attempt_at = ? WHERE id = ?`).run(now, id);
          this.addEvent.run(
            id,
            now,
            this.attemptOf(id),
            'interrupted',
            JSON.stringify({ reason: 'the process stopped while this message was being processed' }),
          );
        }
      })
      .immediate();
    return ids.length;
  }

  claim(now: number, limit: number): number[] {
    return this.claimDue.immediate(now, limit);
  }

  record(id: number, now: number, kind: string, detail?: Record<string, unknown>): void {
    this.addEvent.run(id, now, this.attemptOf(id), kind, detail ? JSON.stringify(detail) : null);
  }

  /** Stores the outcome, and what routing found, with its trace event. */
  finish(id: number, now: number, outcome: Outcome, routing: Routing = {}): void {
    this.db
      .transaction(() => {
        const final = outcome.state !== 'retry';
        this.db
          .prepare(
            `UPDATE messages SET state = ?, outcome = ?, next_attempt_at = ?, last_error = ?, finished_at = ?,
             mail_key = coalesce(?, mail_key), key_source = coalesce(?, key_source), handler = coalesce(?, handler)
           WHERE id = ?`,
          )
          .run(
            outcome.state,
            JSON.stringify(outcome),
            outcome.state === 'retry' ? outcome.after : now,
            'reason' in outcome ? outcome.reason : null,
            final ? now : null,
            routing.key ?? null,
            routing.keySource ?? null,
            routing.handler ?? null,
            id,
          );
        this.addEvent.run(id, now, this.attemptOf(id), outcome.state, JSON.stringify({ ...outcome, ...routing }));
      })
      .immediate();
  }

  /** Puts a finished message back in line (for `postroom replay`). */
  requeue(id: number, now: number, why: string): boolean {
    return this.db
      .transaction(() => {
        const changed = this.db
          .prepare(
            `UPDATE messages SET state = 'queued', next_attempt_at = ?, finished_at = NULL WHERE id = ? AND state NOT IN ('queued', 'processing')`,
          )
          .run(now, id).changes;
        if (changed) this.addEvent.run(id, now, this.attemptOf(id), 'replay', JSON.stringify({ reason: why }));
        return changed > 0;
      })
      .immediate();
  }

  /** Another message with the same Message-ID and key that already had its effect. */
  doneTwin(messageId: string, key: string): number | undefined {
    return this.db
      .prepare(`SELECT id FROM messages WHERE message_id = ? AND mail_key = ? AND state = 'done' ORDER BY id LIMIT 1`)
      .pluck()
      .get(messageId, key) as number | undefined;
  }

  events(id: number): TraceEvent[] {
    const rows = this.db
      .prepare('SELECT at, attempt, kind, detail FROM message_events WHERE message = ? ORDER BY id')
      .all(id) as {
      at: number;
      attempt: number;
      kind: string;
      detail: string | null;
    }[];
    return rows.map((r) => ({
      at: r.at,
      attempt: r.attempt,
      kind: r.kind,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : undefined,
    }));
  }

  nextDueAt(): number | undefined {
    return (
      (this.db.prepare(`SELECT min(next_attempt_at) FROM messages WHERE state IN ('queued', 'retry')`).pluck().get() as
        number | null) ?? undefined
    );
  }
}
