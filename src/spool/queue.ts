import type Database from 'better-sqlite3';
import { statementCache } from '../sqlite/statementCache.js';
import type { Outcome, Routing } from './outcome.js';
import { OPEN_STATES } from './schema.js';

/**
 * A delivery that was being routed alone when routing stopped under it this many times is a dead
 * letter: a message that kills the routing thread (a parse that runs it out of memory) would
 * otherwise be retried forever, and stop routing for every other message each time. A death with
 * several in flight counts for none of them: it cannot tell the culprit from its bystanders, so
 * they are retried one at a time (see `Recovered`) and only a death alone is counted.
 */
const INTERRUPTIONS_BEFORE_DEAD = 3;
const INTERRUPTED = 'routing stopped while this delivery was being processed';

/** What the start of a routing thread found left `processing` by the one before it. */
export interface Recovered {
  /** Back in line: the worker routes these one at a time, with nothing else in flight, before the rest. */
  requeued: number[];
  dead: number[];
}

/** An attempt that ended, to be recorded. */
export interface FinishedAttempt {
  id: number;
  outcome: Outcome;
  routing?: Routing;
}

/**
 * The worker's view of the spool: claim due deliveries, record what happened to each. Every
 * state change and its trace event are written in one transaction; the message row (and its
 * bytes) is never written here.
 */
export class WorkQueue {
  // Read-then-write transactions start IMMEDIATE: with several connections on the file (the
  // writer thread, the routing thread), a deferred one would fail rather than wait its turn.
  private readonly settleAll: Database.Transaction<
    (now: number, finished: readonly FinishedAttempt[], limit: number, among?: readonly number[]) => number[]
  >;
  private readonly addEvent: Database.Statement;
  private readonly attempts: Database.Statement;
  private readonly update: Database.Statement;

  /** Statements compiled once: the worker asks these for every delivery. */
  private readonly statement: (sql: string) => Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.statement = statementCache(db);
    this.addEvent = db.prepare(
      `INSERT INTO message_events (message, seq, delivery, at, attempt, kind, detail)
       SELECT d.message, coalesce((SELECT max(seq) FROM message_events e WHERE e.message = d.message), 0) + 1,
              d.id, ?, d.attempts, ?, ?
       FROM deliveries d WHERE d.id = ?`,
    );
    this.attempts = db.prepare('SELECT attempts FROM deliveries WHERE id = ?').pluck();
    const due = db
      .prepare(
        `SELECT id FROM deliveries WHERE ${OPEN_STATES} AND state IN ('queued', 'retry') AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .pluck();
    const dueOne = db
      .prepare(`SELECT id FROM deliveries WHERE id = ? AND state IN ('queued', 'retry') AND next_attempt_at <= ?`)
      .pluck();
    const dueAmong = (among: readonly number[], now: number, limit: number) =>
      among.filter((id) => dueOne.get(id, now) !== undefined).slice(0, limit);
    const take = db.prepare(`UPDATE deliveries SET state = 'processing', attempts = attempts + 1 WHERE id = ?`);
    this.settleAll = db.transaction(
      (now: number, finished: readonly FinishedAttempt[], limit: number, among?: readonly number[]) => {
        for (const attempt of finished) this.finish(now, attempt);
        if (limit <= 0) return [];
        const ids = among ? dueAmong(among, now, limit) : (due.all(now, limit) as number[]);
        for (const id of ids) {
          take.run(id);
          this.event(id, now, 'claimed');
        }
        return ids;
      },
    );
    this.update = db.prepare(
      `UPDATE deliveries SET state = ?, outcome = ?, next_attempt_at = ?, last_error = ?, finished_at = ?,
         mail_key = coalesce(?, mail_key), key_source = coalesce(?, key_source), handler = coalesce(?, handler)
       WHERE id = ?`,
    );
  }

  private event(id: number, now: number, kind: string, detail?: Record<string, unknown>): void {
    this.addEvent.run(now, kind, detail ? JSON.stringify(detail) : null, id);
  }

  /**
   * Deliveries left `processing` by a thread that stopped go back in line, at a thread's start;
   * one that routing stopped under, alone, for the INTERRUPTIONS_BEFORE_DEAD-th time is a dead letter.
   */
  recoverInterrupted(now: number): Recovered {
    return this.db
      .transaction((): Recovered => {
        const ids = this.statement(
          `SELECT id FROM deliveries WHERE ${OPEN_STATES} AND state = 'processing' ORDER BY id`,
        )
          .pluck()
          .all() as number[];
        const alone = ids.length === 1;
        const recovered: Recovered = { requeued: [], dead: [] };
        for (const id of ids) {
          const interruptions = this.interruptionsAloneSinceReplay(id) + (alone ? 1 : 0);
          if (interruptions < INTERRUPTIONS_BEFORE_DEAD) {
            this.release(id, now, 'interrupted', INTERRUPTED, { alone });
            recovered.requeued.push(id);
            continue;
          }
          this.event(id, now, 'interrupted', { reason: INTERRUPTED, alone });
          this.finish(now, {
            id,
            outcome: {
              state: 'dead',
              reason: `routing stopped during ${interruptions} of its attempts, each with no other delivery in flight: the routing thread died while routing it (out of memory past worker.heap_limit, or a crash), so it is not tried again`,
            },
          });
          recovered.dead.push(id);
        }
        return recovered;
      })
      .immediate();
  }

  /** How many attempts of a delivery, alone in flight, ended with routing stopping under them, since its last replay. */
  private interruptionsAloneSinceReplay(id: number): number {
    return this.statement(
      `SELECT count(*) FROM message_events e JOIN deliveries d ON e.message = d.message
         WHERE d.id = ? AND e.delivery = d.id AND e.kind = 'interrupted' AND json_extract(e.detail, '$.alone') = 1
           AND e.seq > coalesce((SELECT max(r.seq) FROM message_events r WHERE r.message = d.message AND r.delivery = d.id AND r.kind = 'replay'), 0)`,
    )
      .pluck()
      .get(id) as number;
  }

  /**
   * An attempt whose outcome could not be written (the spool was failing) goes back in line as a
   * failed attempt; the sink's idempotency keys make a second run of a finished one harmless.
   */
  releaseUnrecorded(id: number, now: number, reason: string): void {
    this.db.transaction(() => this.release(id, now, 'unrecorded', reason)).immediate();
  }

  private release(id: number, now: number, kind: string, reason: string, detail: Record<string, unknown> = {}): void {
    this.statement(`UPDATE deliveries SET state = 'retry', next_attempt_at = ?, last_error = ? WHERE id = ?`).run(
      now,
      reason,
      id,
    );
    this.event(id, now, kind, { reason, ...detail });
  }

  /**
   * Stores the outcomes of finished attempts (with what routing found and their trace events) and
   * claims up to `limit` due deliveries (only from `among`, in its order, when given), in one
   * transaction: the routing thread waits for the spool's write lock once for all of it, not
   * twice for every delivery.
   */
  settle(now: number, finished: readonly FinishedAttempt[], limit: number, among?: readonly number[]): number[] {
    return this.settleAll.immediate(now, finished, limit, among);
  }

  private finish(now: number, { id, outcome, routing = {} }: FinishedAttempt): void {
    this.update.run(
      outcome.state,
      JSON.stringify(outcome),
      outcome.state === 'retry' ? outcome.after : now,
      'reason' in outcome ? outcome.reason : null,
      outcome.state === 'retry' ? null : now,
      routing.key ?? null,
      routing.keySource ?? null,
      routing.handler ?? null,
      id,
    );
    this.event(id, now, outcome.state, { ...outcome, ...routing });
  }

  /**
   * Puts a finished delivery back in line (for `postroom replay`) with a fresh budget: its
   * attempts count from zero and its age from now, and the trace says so.
   */
  requeue(id: number, now: number, why: string): boolean {
    return this.db
      .transaction(() => {
        const before = this.attempts.get(id) as number | undefined;
        const changed = this.statement(
          `UPDATE deliveries SET state = 'queued', attempts = 0, budget_from = ?, next_attempt_at = ?, finished_at = NULL
             WHERE id = ? AND state NOT IN ('queued', 'processing')`,
        ).run(now, now, id).changes;
        if (changed)
          this.event(id, now, 'replay', {
            reason: why,
            budget: 'fresh: attempts count from zero and age from now',
            previousAttempts: before,
          });
        return changed > 0;
      })
      .immediate();
  }

  /** Another delivery of a message with the same Message-ID and key that already had its effect. */
  doneTwin(messageId: string, key: string): number | undefined {
    return this.statement(
      // CROSS JOIN keeps SQLite from starting at the key: one reply key may carry thousands of
      // deliveries, one Message-ID a handful.
      `SELECT m.id FROM messages m CROSS JOIN deliveries d ON d.message = m.id
         WHERE m.message_id = ? AND d.mail_key = ? AND d.state = 'done' ORDER BY d.id LIMIT 1`,
    )
      .pluck()
      .get(messageId, key) as number | undefined;
  }

  nextDueAt(): number | undefined {
    return (
      (this.statement(
        `SELECT min(next_attempt_at) FROM deliveries WHERE ${OPEN_STATES} AND state IN ('queued', 'retry')`,
      )
        .pluck()
        .get() as number | null) ?? undefined
    );
  }
}
