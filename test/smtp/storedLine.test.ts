// "A log line with the message id" for every accepted message: the spool's writer thread says
// "message stored" once the commit is on disk, with what ties it to the SMTP session.
import { afterAll, describe, expect, it } from 'vitest';
import { startChildPostroom, type ChildPostroom } from '../helpers/childPostroom.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';
import { waitFor } from '../helpers/waitFor.js';

const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';
const { dir, cleanup } = tempDir();
let postroom: ChildPostroom | undefined;
afterAll(async () => {
  postroom?.child.kill('SIGTERM');
  await postroom?.exited;
  cleanup();
});

describe('the log of an accepted message', () => {
  it('has one "message stored" line with the spool id, the Message-ID and the session', async () => {
    postroom = await startChildPostroom(testConfigText(dir).replace('level: silent', 'level: info'), dir);
    const { talk } = await greet(postroom.port);
    expect((await talk.command('MAIL FROM:<someone@client.test>')).code).toBe(250);
    expect((await talk.command(`RCPT TO:<${TO}>`)).code).toBe(250);
    expect((await talk.command('DATA')).code).toBe(354);
    talk.write('Message-ID: <logged@client.test>\r\nSubject: hello\r\n\r\nbody\r\n.\r\n');
    const stored = await talk.read();
    expect(stored.code).toBe(250);
    talk.close();
    const logs = postroom.logs;
    // Two threads write these lines, each through its own buffer: either may come first.
    await waitFor(
      () => logs.some((l) => l.msg === 'message stored') && logs.some((l) => l.msg === 'connection'),
      10_000,
      'the connection and stored lines',
    );
    const lines = logs.filter((l) => l.msg === 'message stored');
    const connection = logs.find((l) => l.msg === 'connection');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      session: connection?.session,
      source: 'smtp',
      messageId: '<logged@client.test>',
      mailFrom: 'someone@client.test',
      recipients: [TO],
      client: '127.0.0.1',
    });
    expect(stored.text).toContain(`queued as ${String(lines[0].spoolId)}`);
  });
});
