import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildPostroom } from '../helpers/childPostroom.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';

const CONNECTIONS = 8;
const MESSAGES_PER_CONNECTION = 50;
const KILL_AFTER_ACKS = 150;
const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

/** Sends numbered messages one after another until done or the connection dies; returns the acknowledged ids. */
async function sendUntilKilled(
  port: number,
  connection: number,
  onAck: () => void,
): Promise<{ acked: string[]; attempted: string[] }> {
  const acked: string[] = [];
  const attempted: string[] = [];
  try {
    const { talk } = await greet(port);
    for (let n = 0; n < MESSAGES_PER_CONNECTION; n++) {
      const messageId = `<crash-${connection}-${n}@client.test>`;
      if ((await talk.command('MAIL FROM:<load@client.test>')).code !== 250) break;
      if ((await talk.command(`RCPT TO:<${TO}>`)).code !== 250) break;
      if ((await talk.command('DATA')).code !== 354) break;
      attempted.push(messageId);
      talk.write(`Message-ID: ${messageId}\r\nSubject: load ${connection}/${n}\r\n\r\n${'x'.repeat(2000)}\r\n.\r\n`);
      const reply = await talk.read();
      if (reply.code !== 250) break;
      acked.push(messageId);
      onAck();
    }
    talk.close();
  } catch {
    // the server was killed under us: what was acknowledged so far is what counts
  }
  return { acked, attempted };
}

describe('crash safety', () => {
  it('keeps every acknowledged message exactly once across a SIGKILL mid-load', async () => {
    const config = testConfigText(dir).replace('level: silent', 'level: info');
    const first = await startChildPostroom(config, dir);
    let acks = 0;
    const senders = Array.from({ length: CONNECTIONS }, (_, c) =>
      sendUntilKilled(first.port, c, () => {
        if (++acks === KILL_AFTER_ACKS) first.child.kill('SIGKILL');
      }),
    );
    const results = await Promise.all(senders);
    await first.exited;
    const acked = results.flatMap((r) => r.acked);
    const attempted = results.flatMap((r) => r.attempted);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acked.length).toBeLessThan(CONNECTIONS * MESSAGES_PER_CONNECTION);

    // The same store, a new process: it must open cleanly and take mail again.
    const second = await startChildPostroom(config, dir);
    const after = await sendUntilKilled(second.port, 99, () => undefined);
    expect(after.acked).toHaveLength(MESSAGES_PER_CONNECTION);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const db = new Database(path.join(dir, 'spool.db'), { readonly: true });
    const rows = db.prepare('SELECT message_id AS id, count(*) AS n FROM messages GROUP BY message_id').all() as {
      id: string;
      n: number;
    }[];
    db.close();
    const stored = new Map(rows.map((r) => [r.id, r.n]));
    for (const id of [...acked, ...after.acked]) expect(stored.get(id), id).toBe(1);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    // Stored but never acknowledged: only messages whose 250 the kill cut off, at most one per connection.
    const unacknowledged = [...stored.keys()].filter((id) => !acked.includes(id) && !after.acked.includes(id));
    expect(unacknowledged.every((id) => attempted.includes(id))).toBe(true);
    expect(unacknowledged.length).toBeLessThanOrEqual(CONNECTIONS);
  });
});
