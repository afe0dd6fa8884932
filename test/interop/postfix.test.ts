import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postfixUnavailable, startPrivatePostfix, swaks, type PrivatePostfix } from '../helpers/postfix.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';

const REPLY_KEY_ADDRESS = 'incoming+59d8df8370b7e95c5a49fbf86aeb2c93@postroom.test';
const ISSUE_ADDRESS = 'incoming+group-project-12-glimt-abc-issue@postroom.test';
const SENDER = 'jake@client.example.net';

const unavailable = postfixUnavailable();

/** Polls until `probe` returns something other than undefined. */
async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let sequence = 0;
const newMessageId = (label: string) => `<${label}-${process.pid}-${++sequence}@client.example.net>`;

function queueIdOf(transcript: string): string {
  const match = /<- {2}250 2\.0\.0 Ok: queued as (\w+)/.exec(transcript);
  if (!match) throw new Error(`Postfix did not queue the message:\n${transcript}`);
  return match[1];
}

describe.skipIf(unavailable)(`Postfix in front of Postroom${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let postroom: TestPostroom | undefined;
  let postfix: PrivatePostfix | undefined;

  beforeAll(async () => {
    postroom = await startTestPostroom();
    // Postfix's limit no larger than Postroom's, so it never accepts what Postroom would refuse.
    postfix = await startPrivatePostfix({
      relayPort: postroom.port,
      mainCf: { message_size_limit: String(postroom.config.smtp.maxMessageSize) },
    });
  });

  afterAll(async () => {
    // Postfix first: it holds cached connections that Postroom's close would wait for.
    await postfix?.cleanup();
    await postroom?.cleanup();
  });

  const mx = () => postfix!;
  const spool = () => postroom!.spool;
  const logLines = (queueId: string) =>
    mx()
      .log()
      .split('\n')
      .filter((line) => line.includes(` ${queueId}: `));
  const storedRows = (messageId: string) =>
    eventually(`a spool row for ${messageId}`, () => {
      const rows = spool().findByMessageId(messageId);
      return rows.length > 0 ? rows : undefined;
    });
  const queueEmpty = async () => ((await mx().queue()).length === 0 ? true : undefined);

  it('relays a valid address to Postroom, which stores it with Postfix’s Received header', async () => {
    const messageId = newMessageId('relayed');
    const sent = await swaks({ port: mx().port, from: SENDER, to: `${REPLY_KEY_ADDRESS},${ISSUE_ADDRESS}`, messageId });
    expect(sent.code, sent.transcript).toBe(0);
    const queueId = queueIdOf(sent.transcript);

    const [entry, ...more] = await storedRows(messageId);
    expect(more).toEqual([]);
    expect([...entry.recipients].sort()).toEqual([ISSUE_ADDRESS, REPLY_KEY_ADDRESS].sort());
    expect(entry.mailFrom).toBe(SENDER);
    expect(entry.messageId).toBe(messageId);
    expect(entry.helo).toBe('relay.postfix.test');
    expect(entry.clientAddress).toBe('127.0.0.1');
    // Postfix's opportunistic STARTTLS met Postroom's certificate.
    expect(entry.tls).toBe(true);

    const raw = spool().raw(entry.id)!.toString('latin1');
    // Postroom's own trace on top, then the one Postfix wrote when the client handed it over.
    expect(raw).toMatch(
      /^Received: from relay\.postfix\.test \(\[127\.0\.0\.1\]\)\r\n\tby postroom\.test \(Postroom\) with ESMTPS id /,
    );
    expect(raw).toMatch(
      new RegExp(
        `\r\nReceived: from client\\.example\\.net \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\r\n\tby relay\\.postfix\\.test \\(Postfix\\) with ESMTP id ${queueId};\r\n\t`,
      ),
    );
    expect(raw).toContain(`Message-Id: ${messageId}`);
    expect(raw).toContain('Relayed by a private Postfix.');

    // Each recipient was first verified by a probe, then delivered once, into spool row entry.id.
    const log = mx().log();
    for (const address of [REPLY_KEY_ADDRESS, ISSUE_ADDRESS]) {
      expect(log).toMatch(
        new RegExp(
          `to=<${escape(address)}>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:${postroom!.port},.* status=deliverable \\(250 `,
        ),
      );
    }
    await eventually('the queue file to be removed', () =>
      logLines(queueId).some((l) => l.endsWith(`${queueId}: removed`)) ? true : undefined,
    );
    const sentLines = logLines(queueId).filter((l) => l.includes('status=sent'));
    expect(sentLines).toHaveLength(2);
    for (const line of sentLines) expect(line).toContain(`status=sent (250 2.0.0 Ok: queued as ${entry.id})`);
    await eventually('an empty Postfix queue', queueEmpty);
  });

  // Postroom's grammar refuses these; Postfix learns that from a probe and answers for it.
  it.each(['nobody@postroom.test', 'contact+59d8df8370b7e95c5a49fbf86aeb2c93@postroom.test'])(
    'refuses %s at RCPT with Postroom’s 550, queues nothing and bounces nothing',
    async (address) => {
      const messageId = newMessageId('refused');
      const sent = await swaks({ port: mx().port, from: SENDER, to: address, messageId });
      // 24: no recipient was accepted, so swaks never reached DATA.
      expect(sent.code, sent.transcript).toBe(24);
      expect(sent.transcript).toContain(
        ` -> RCPT TO:<${address}>\n<** 550 5.1.1 <${address}>: Recipient address rejected: undeliverable address: ` +
          'host 127.0.0.1[127.0.0.1] said: 550 5.1.1 No such recipient here (in reply to RCPT TO command)\n',
      );
      expect(sent.transcript).not.toContain(' -> DATA');

      // The answer came from a probe, and a probe never turns into a bounce.
      const log = mx().log();
      expect(log).toMatch(
        new RegExp(
          `to=<${escape(address)}>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:${postroom!.port},.* status=undeliverable \\(host `,
        ),
      );
      expect(log).toMatch(
        new RegExp(`NOQUEUE: reject: RCPT from \\S+\\[127\\.0\\.0\\.1\\]: 550 5\\.1\\.1 <${escape(address)}>`),
      );
      await eventually('an empty Postfix queue (the probe leaves too)', queueEmpty);
      expect(mx().log()).not.toContain('sender non-delivery notification');
      expect(spool().findByMessageId(messageId)).toEqual([]);
    },
  );

  it('refuses incoming+!!!@postroom.test at RCPT by itself: a ! in the local part is sender-specified routing', async () => {
    const address = 'incoming+!!!@postroom.test';
    const messageId = newMessageId('routed');
    const sent = await swaks({ port: mx().port, from: SENDER, to: address, messageId });
    expect(sent.code, sent.transcript).toBe(24);
    // allow_untrusted_routing = no (the default) makes this a relay attempt: relay_domains_reject_code, 554.
    expect(sent.transcript).toContain(` -> RCPT TO:<${address}>\n<** 554 5.7.1 <${address}>: Relay access denied\n`);
    expect(sent.transcript).not.toContain(' -> DATA');
    // Postroom was never asked, and nothing was queued or bounced.
    expect(mx().log()).not.toContain(`: to=<${address}>, relay=`);
    await eventually('an empty Postfix queue', queueEmpty);
    expect(mx().log()).not.toContain('sender non-delivery notification');
    expect(spool().findByMessageId(messageId)).toEqual([]);
  });

  it('refuses a message over Postroom’s size limit at its own door, so no bounce can follow', async () => {
    const limit = postroom!.config.smtp.maxMessageSize;
    const bodyFile = path.join(postroom!.dir, 'oversized.txt');
    writeFileSync(bodyFile, `${'x'.repeat(77)}\n`.repeat(Math.ceil(limit / 78) + 10));
    const messageId = newMessageId('oversized');
    const sent = await swaks({ port: mx().port, from: SENDER, to: REPLY_KEY_ADDRESS, messageId, bodyFile });
    // 26: the server did not take the message after DATA.
    expect(sent.code, sent.transcript).toBe(26);
    expect(sent.transcript).toMatch(/\n<\*\* 552 5\.3\.4 Error: message file too big\n/);
    await eventually('an empty Postfix queue', queueEmpty);
    expect(mx().log()).not.toContain('sender non-delivery notification');
    expect(spool().findByMessageId(messageId)).toEqual([]);
  });

  it('relays bare CR and LF normalised, so Postroom never refuses (and Postfix never bounces) them', async () => {
    const messageId = newMessageId('bare-endings');
    const { talk } = await greet(mx().port);
    try {
      expect((await talk.command(`MAIL FROM:<${SENDER}>`)).code).toBe(250);
      expect((await talk.command(`RCPT TO:<${REPLY_KEY_ADDRESS}>`)).code).toBe(250);
      expect((await talk.command('DATA')).code).toBe(354);
      talk.write(`Message-Id: ${messageId}\r\nSubject: bare endings\r\n\r\na bare\rCR, a bare\nLF\r\n.\r\n`);
      expect((await talk.read(10_000)).code).toBe(250);
      await talk.command('QUIT');
    } finally {
      talk.close();
    }
    const [entry] = await storedRows(messageId);
    // Postfix ends a line at a bare LF and turns a bare CR into a space before relaying.
    expect(spool().raw(entry.id)!.toString('latin1')).toMatch(/\r\n\r\na bare CR, a bare\r\nLF\r\n$/);
    expect(mx().log()).not.toContain('sender non-delivery notification');
  });

  it('keeps a message Postroom answered 451 deferred, then delivers it exactly once', async () => {
    const messageId = newMessageId('deferred');
    // A second connection to Postroom's spool makes every insert fail, as a full disk would.
    const db = new Database(postroom!.config.store.path);
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TRIGGER interop_refuse_store BEFORE INSERT ON messages
             BEGIN SELECT RAISE(ABORT, 'interop test: storage refused'); END`);
    let queueId: string;
    try {
      const sent = await swaks({ port: mx().port, from: SENDER, to: REPLY_KEY_ADDRESS, messageId });
      // Postfix accepted it: its own queue file is the durable copy now.
      expect(sent.code, sent.transcript).toBe(0);
      queueId = queueIdOf(sent.transcript);

      const deferred = await eventually('the message in the deferred queue', async () =>
        (await mx().queue()).find((m) => m.queue_id === queueId && m.queue_name === 'deferred'),
      );
      expect(deferred.sender).toBe(SENDER);
      expect(deferred.recipients.map((r) => r.address)).toEqual([REPLY_KEY_ADDRESS]);
      expect(deferred.recipients[0].delay_reason).toMatch(/said: 451 4\.3\.0 Local error while storing the message/);
      expect(logLines(queueId).join('\n')).toMatch(
        /status=deferred \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 451 4\.3\.0 .*\(in reply to end of DATA command\)\)/,
      );
      expect(spool().findByMessageId(messageId)).toEqual([]);
    } finally {
      db.exec('DROP TRIGGER IF EXISTS interop_refuse_store');
      db.close();
    }

    await mx().flush();
    await eventually('the queue file to be removed', () =>
      logLines(queueId).some((l) => l.endsWith(`${queueId}: removed`)) ? true : undefined,
    );
    const rows = spool().findByMessageId(messageId);
    expect(rows).toHaveLength(1);
    expect(rows[0].recipients).toEqual([REPLY_KEY_ADDRESS]);
    expect(logLines(queueId).filter((l) => l.includes('status=sent'))).toEqual([
      expect.stringContaining(`status=sent (250 2.0.0 Ok: queued as ${rows[0].id})`),
    ]);
    expect(mx().log()).not.toContain('sender non-delivery notification');
    await eventually('an empty Postfix queue', queueEmpty);
  });
});
