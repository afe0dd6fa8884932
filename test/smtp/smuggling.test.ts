import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greet } from '../helpers/smtpTalk.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';

interface SmugglingCase {
  name: string;
  bytes_after_body_line: string;
}

const { cases } = JSON.parse(readFileSync('test/fixtures/smtp-smuggling/cases.json', 'utf8')) as {
  cases: SmugglingCase[];
};
const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';

let postroom: TestPostroom;
beforeAll(async () => {
  postroom = await startTestPostroom();
});
afterAll(async () => {
  await postroom.cleanup();
});

function storedSince(firstId: number) {
  const ids = postroom.spool.db
    .prepare('SELECT id FROM messages WHERE id >= ? ORDER BY id')
    .pluck()
    .all(firstId) as number[];
  return ids.map((id) => ({ entry: postroom.spool.get(id)!, raw: postroom.spool.raw(id)!.toString('latin1') }));
}

function nextId(): number {
  return ((postroom.spool.db.prepare('SELECT max(id) FROM messages').pluck().get() as number | null) ?? 0) + 1;
}

function headerBlock(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return end < 0 ? raw : raw.slice(0, end);
}

describe('SMTP smuggling: no fake end-of-DATA ever yields a second message', () => {
  it('has all 19 cases of the corpus', () => {
    expect(cases).toHaveLength(19);
  });

  for (const smuggle of cases) {
    it(smuggle.name, async () => {
      const first = nextId();
      const { talk } = await greet(postroom.port);
      expect((await talk.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
      expect((await talk.command(`RCPT TO:<${TO}>`)).code).toBe(250);
      expect((await talk.command('DATA')).code).toBe(354);
      talk.write('From: sender@example.com\r\nSubject: innocent\r\n\r\nbody line');
      talk.write(smuggle.bytes_after_body_line);
      talk.write(`MAIL FROM:<smuggled@x>\r\nRCPT TO:<${TO}>\r\nDATA\r\nSubject: SMUGGLED\r\n\r\nSMUGGLED\r\n.\r\n`);
      talk.write('\r\n.\r\n');
      talk.write('QUIT\r\n');
      // QUIT is answered last, so its 221 means every earlier line has had its answer.
      const replies = [];
      for (let reply = await talk.read(); ; reply = await talk.read()) {
        replies.push(reply);
        if (reply.code === 221) break;
      }
      talk.close();

      const stored = storedSince(first);
      expect(stored.length).toBeLessThanOrEqual(1);
      expect(stored.filter(({ entry }) => entry.mailFrom === 'smuggled@x')).toEqual([]);
      expect(stored.filter(({ raw }) => /^Subject: SMUGGLED$/m.test(headerBlock(raw)))).toEqual([]);
      expect(replies.filter((r) => r.code === 250 && /queued as/.test(r.text)).length).toBe(stored.length);
      if (stored.length === 1) {
        // Accepted only when the sequence holds no bare CR or LF: the smuggled text stays data.
        expect(stored[0].raw).toContain('MAIL FROM:<smuggled@x>');
        expect(smuggle.bytes_after_body_line.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      } else {
        expect(replies.some((r) => r.code === 550 && /^5\.5\.2 /.test(r.text))).toBe(true);
      }
    });
  }

  it('treats pipelined commands after a real end of DATA as the next transaction, not as data', async () => {
    const first = nextId();
    const { talk } = await greet(postroom.port);
    talk.write(`MAIL FROM:<a@example.com>\r\nRCPT TO:<${TO}>\r\nDATA\r\n`);
    expect((await talk.read()).code).toBe(250);
    expect((await talk.read()).code).toBe(250);
    expect((await talk.read()).code).toBe(354);
    talk.write(`Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<b@example.com>\r\nRCPT TO:<${TO}>\r\nDATA\r\n`);
    expect((await talk.read()).code).toBe(250);
    expect((await talk.read()).code).toBe(250);
    expect((await talk.read()).code).toBe(250);
    expect((await talk.read()).code).toBe(354);
    talk.write('Subject: two\r\n\r\nsecond\r\n.\r\n');
    expect((await talk.read()).code).toBe(250);
    talk.close();
    const stored = storedSince(first);
    expect(stored.map(({ entry }) => entry.mailFrom)).toEqual(['a@example.com', 'b@example.com']);
    expect(stored[0].raw).not.toContain('second');
  });
});

const storedCount = () => postroom.spool.db.prepare('SELECT count(*) FROM messages').pluck().get() as number;

describe('message content must wait for 354 (RFC 2920: DATA ends a pipelined group)', () => {
  it('refuses content sent with DATA and closes the connection, storing nothing', async () => {
    const before = storedCount();
    const { talk } = await greet(postroom.port);
    talk.write(
      `MAIL FROM:<a@example.com>\r\nRCPT TO:<${TO}>\r\nDATA\r\nSubject: early\r\n\r\ntoo soon\r\n.\r\nQUIT\r\n`,
    );
    const replies = [await talk.read(), await talk.read(), await talk.read(), await talk.read()];
    expect(replies.map((r) => r.code)).toEqual([250, 250, 354, 554]);
    expect(replies[3].text).toMatch(/^5\.5\.0 .*synchronization/);
    expect(await talk.waitClosed()).toBe(true);
    expect(storedCount()).toBe(before);
  });

  it('refuses content sent with DATA even without its end', async () => {
    const { talk } = await greet(postroom.port);
    talk.write(`MAIL FROM:<a@example.com>\r\nRCPT TO:<${TO}>\r\nDATA\r\nSubject: early\r\n\r\nand more to come`);
    const replies = [await talk.read(), await talk.read(), await talk.read(), await talk.read()];
    expect(replies.map((r) => r.code)).toEqual([250, 250, 354, 554]);
    expect(await talk.waitClosed()).toBe(true);
  });

  it('accepts the same message once the client waited for 354', async () => {
    const before = storedCount();
    const { talk } = await greet(postroom.port);
    talk.write(`MAIL FROM:<a@example.com>\r\nRCPT TO:<${TO}>\r\nDATA\r\n`);
    expect([(await talk.read()).code, (await talk.read()).code, (await talk.read()).code]).toEqual([250, 250, 354]);
    expect((await talk.command('Subject: patient\r\n\r\nin time\r\n.')).code).toBe(250);
    talk.close();
    expect(storedCount()).toBe(before + 1);
  });
});
