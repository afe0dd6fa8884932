import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import type { Logger } from '../../src/log/logger.js';
import { Spool, type IncomingMessage } from '../../src/spool/index.js';
import { startRetention } from '../../src/wiring/retention.js';
import { testConfigText } from '../helpers/postroom.js';
import { storedId } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

function message(name: string, receivedAt: number, bytes = 200): IncomingMessage {
  const raw = Buffer.concat([Buffer.from(`Subject: ${name}\r\n\r\n`), Buffer.alloc(bytes, 120)]);
  return {
    source: 'smtp',
    sessionId: 's1',
    tls: false,
    mailFrom: 'jake@example.com',
    recipients: ['incoming+one@postroom.test', 'incoming+two@postroom.test'],
    receivedAt,
    messageId: `<${name}@example.com>`,
    chunks: [raw],
    size: raw.length,
  };
}

/** What routing would have left: each delivery of the message in the given state. */
function settle(spool: Spool, id: number, ...states: string[]): void {
  const deliveries = spool.deliveriesOf(id);
  deliveries.forEach((delivery, i) =>
    spool.db.prepare('UPDATE deliveries SET state = ? WHERE id = ?').run(states[i] ?? states[0], delivery.id),
  );
}

describe('retention of finished mail', () => {
  it('removes finished mail past the age with its deliveries and trace, and keeps the rest whatever its age', async () => {
    const spool = Spool.open(temp.file);
    const old = NOW - 40 * DAY;
    const done = await storedId(spool, message('done', old));
    const rejected = await storedId(spool, message('rejected', old));
    const dead = await storedId(spool, message('dead', old));
    const halfDone = await storedId(spool, message('half', old));
    const queued = await storedId(spool, message('queued', old));
    const young = await storedId(spool, message('young', NOW - 2 * DAY));
    settle(spool, done, 'done', 'ignored');
    settle(spool, rejected, 'rejected');
    settle(spool, dead, 'dead');
    settle(spool, halfDone, 'done', 'retry');
    settle(spool, young, 'done');

    expect(await spool.purgeFinished(NOW - 30 * DAY, 2)).toEqual({ messages: 2, bodyFiles: 0 });
    for (const id of [done, rejected]) {
      expect(spool.get(id)).toBeUndefined();
      expect(spool.events(id)).toEqual([]);
      expect(spool.deliveriesOf(id)).toEqual([]);
    }
    for (const id of [dead, halfDone, queued, young]) expect(spool.get(id)).toBeDefined();
    expect(spool.raw(young)!.toString()).toContain('Subject: young');

    // Once the dead letter was replayed and done, the next pass takes it.
    settle(spool, dead, 'done');
    expect(await spool.purgeFinished(NOW - 30 * DAY)).toEqual({ messages: 1, bodyFiles: 0 });
    expect(spool.get(dead)).toBeUndefined();
    await spool.close();
  });

  it('removes a body file only once no message points into it', async () => {
    const spool = Spool.open(temp.file);
    const old = NOW - 40 * DAY;
    // Stored in one turn: one commit, one body file for both.
    const [first, second] = await Promise.all([
      storedId(spool, message('big-1', old, 100 * 1024)),
      storedId(spool, message('big-2', old, 100 * 1024)),
    ]);
    const bodies = `${temp.file}-bodies`;
    expect(readdirSync(bodies)).toHaveLength(1);
    const [body] = readdirSync(bodies);
    settle(spool, first, 'done');
    settle(spool, second, 'dead');

    expect(await spool.purgeFinished(NOW - 30 * DAY)).toEqual({ messages: 1, bodyFiles: 0 });
    expect(existsSync(path.join(bodies, body))).toBe(true);
    expect(spool.raw(second)!.length).toBe(message('big-2', old, 100 * 1024).size);

    settle(spool, second, 'done');
    expect(await spool.purgeFinished(NOW - 30 * DAY)).toEqual({ messages: 1, bodyFiles: 1 });
    expect(readdirSync(bodies)).toEqual([]);
    await spool.close();
  });

  it('keeps finished mail for 30 days by default; store.retention sets the age, 0 keeps it forever', () => {
    const retention = (line: string) =>
      parseConfigText(testConfigText(temp.dir).replace(/^( {2}path: .*spool\.db)$/m, `$1\n${line}`), 'test.yml', {})
        .store.retentionMs;
    expect(retention('')).toBe(30 * DAY);
    expect(retention('  retention: 7d')).toBe(7 * DAY);
    expect(retention('  retention: 0')).toBe(0);
    expect(() => retention('  retention: soon')).toThrow(/store\.retention/);
  });
});

describe('the retention timer', () => {
  it('runs a pass a minute after start and then every hour, and none with retention 0', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const spool = Spool.open(temp.file);
      const logged: unknown[] = [];
      const logger = { info: (fields: unknown) => logged.push(fields), error: () => undefined } as unknown as Logger;
      const now = () => NOW;
      const first = await storedId(spool, message('first', NOW - 40 * DAY));
      settle(spool, first, 'done');
      const purges: number[] = [];
      const purgeSentMail = async (before: number) => {
        purges.push(before);
        return 0;
      };
      const never = startRetention(spool, 0, logger, purgeSentMail, now);
      const timer = startRetention(spool, 30 * DAY, logger, purgeSentMail, now);
      await vi.advanceTimersByTimeAsync(59_000);
      expect(spool.get(first)).toBeDefined();
      await vi.advanceTimersByTimeAsync(1_000);
      await vi.waitFor(() => expect(spool.get(first)).toBeUndefined());
      expect(logged).toEqual([{ messages: 1, bodyFiles: 0, retentionMs: 30 * DAY }]);
      // The outbox's sent mail goes by the same cut, after the spool's pass.
      await vi.waitFor(() => expect(purges).toEqual([NOW - 30 * DAY]));

      const second = await storedId(spool, message('second', NOW - 31 * DAY));
      settle(spool, second, 'done');
      await vi.advanceTimersByTimeAsync(3_600_000);
      await vi.waitFor(() => expect(spool.get(second)).toBeUndefined());
      await Promise.all([timer.stop(), never.stop()]);
      expect(logged).toHaveLength(2);
      expect(purges).toEqual([NOW - 30 * DAY, NOW - 30 * DAY]);
      await spool.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('removing a message', () => {
  it('finds its deliveries and its trace through their keys, never by reading every trace event', async () => {
    const spool = Spool.open(temp.file);
    const plan = (sql: string) =>
      (spool.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as { detail: string }[]).map((row) => row.detail);
    // What ON DELETE CASCADE runs for a message, and for each of its deliveries.
    expect(plan('SELECT 1 FROM deliveries WHERE message = ?').join()).toMatch(
      /USING COVERING INDEX deliveries_of_message/,
    );
    expect(plan('SELECT 1 FROM message_events WHERE message = ?').join()).toMatch(/USING PRIMARY KEY/);
    expect(plan('DELETE FROM deliveries WHERE id = ?').join()).not.toMatch(/SCAN/);
    await spool.close();
  });
});
