import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postfixUnavailable, startPrivatePostfix, type PrivatePostfix } from '../helpers/postfix.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';
import { waitFor } from '../helpers/waitFor.js';

// The corpus's 19 fake ends of DATA, sent to Postfix set up as docs/postfix.md says: none may
// turn into a second message that Postfix relays and Postroom stores.
const { cases } = JSON.parse(readFileSync('test/fixtures/smtp-smuggling/cases.json', 'utf8')) as {
  cases: { name: string; bytes_after_body_line: string }[];
};
const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';
const unavailable = postfixUnavailable();

describe.skipIf(unavailable)(`SMTP smuggling through Postfix${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let postroom: TestPostroom | undefined;
  let postfix: PrivatePostfix | undefined;

  beforeAll(async () => {
    postroom = await startTestPostroom();
    postfix = await startPrivatePostfix({ relayPort: postroom.port });
  });

  afterAll(async () => {
    await postfix?.cleanup();
    await postroom?.cleanup();
  });

  const stored = () =>
    (postroom!.spool.db.prepare('SELECT id FROM messages ORDER BY id').pluck().all() as number[]).map((id) => ({
      entry: postroom!.spool.get(id)!,
      raw: postroom!.spool.raw(id)!.toString('latin1'),
    }));
  /** Nothing of Postfix's waits to go to Postroom: what was accepted has been relayed (or bounced). */
  const relayed = async () =>
    (await postfix!.queue()).every((message) => !message.recipients.some((r) => r.address === TO));
  const headerBlock = (raw: string) => raw.slice(0, Math.max(0, raw.indexOf('\r\n\r\n')));

  it('has all 19 cases of the corpus', () => {
    expect(cases).toHaveLength(19);
  });

  for (const [index, smuggle] of cases.entries()) {
    it(
      smuggle.name,
      async () => {
        const before = stored().length;
        const { talk } = await greet(postfix!.port);
        try {
          expect((await talk.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
          talk.write(`RCPT TO:<${TO}>\r\n`);
          // The first RCPT waits for Postfix's probe of Postroom.
          expect((await talk.read(15_000)).code).toBe(250);
          expect((await talk.command('DATA')).code).toBe(354);
          talk.write(`From: sender@example.com\r\nSubject: innocent ${index}\r\n\r\nbody line`);
          talk.write(smuggle.bytes_after_body_line);
          talk.write(`MAIL FROM:<smuggled@x>\r\nRCPT TO:<${TO}>\r\nDATA\r\nSubject: SMUGGLED\r\n\r\nSMUGGLED\r\n.\r\n`);
          talk.write('\r\n.\r\n');
          talk.write('QUIT\r\n');
          // Postfix may drop the connection on a protocol violation instead of answering QUIT.
          await waitFor(() => talk.closed, 20_000, 'Postfix ends the session');
        } finally {
          talk.close();
        }
        await waitFor(relayed, 20_000, 'Postfix has relayed what it accepted');

        const added = stored().slice(before);
        expect(added.length).toBeLessThanOrEqual(1);
        expect(added.filter(({ entry }) => entry.mailFrom !== 'sender@example.com')).toEqual([]);
        expect(added.filter(({ raw }) => /^Subject: SMUGGLED$/m.test(headerBlock(raw)))).toEqual([]);
      },
      60_000,
    );
  }
});
