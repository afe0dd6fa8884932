import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greet } from '../helpers/smtpTalk.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const TO = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';

let postroom: TestPostroom;
let incomingDir: string;
beforeAll(async () => {
  postroom = await startTestPostroom('  memory_budget: 256KB\n  spill_threshold: 128KB');
  incomingDir = `${postroom.config.store.path}-incoming`;
});
afterAll(async () => {
  await postroom.cleanup();
});

const spilledBytes = () => {
  try {
    return readdirSync(incomingDir).reduce((sum, name) => sum + statSync(path.join(incomingDir, name)).size, 0);
  } catch {
    return 0;
  }
};

/** An open DATA phase whose first `bytes` of body are already sent. */
async function unfinished(bytes: number) {
  const { talk } = await greet(postroom.port);
  await talk.command('MAIL FROM:<big@example.com>');
  await talk.command(`RCPT TO:<${TO}>`);
  expect((await talk.command('DATA')).code).toBe(354);
  const line = `${'x'.repeat(998)}\r\n`;
  const body = `Subject: large\r\n\r\n${line.repeat(Math.ceil(bytes / line.length))}`;
  talk.write(body);
  return { talk, body };
}

describe('DATA beyond the memory budget goes to disk as it arrives', () => {
  it('writes a large message to a spool file while it is still arriving, and stores it whole', async () => {
    const { talk, body } = await unfinished(400 * 1024);
    await waitFor(() => spilledBytes() >= 400 * 1024, 5000, 'the message bytes reach the incoming directory');
    const reply = await talk.command('.');
    talk.close();
    expect(reply.code).toBe(250);
    const id = Number(/queued as (\d+)/.exec(reply.text)![1]);
    const raw = postroom.spool.raw(id)!.toString('latin1');
    expect(raw.slice(raw.indexOf('Subject: large'))).toBe(body);
    await waitFor(() => readdirSync(incomingDir).length === 0, 5000, 'the spill file is removed once stored');
  });

  it('spills small messages too once the sessions together hold the whole budget', async () => {
    const holders = await Promise.all([unfinished(100 * 1024), unfinished(100 * 1024), unfinished(100 * 1024)]);
    // Three messages under the threshold, 300 KB together: the third does not fit in 256 KB.
    await waitFor(() => spilledBytes() > 0, 5000, 'a message under the threshold goes to disk');
    for (const { talk } of holders) expect((await talk.command('.')).code).toBe(250);
    for (const { talk } of holders) talk.close();
    await waitFor(() => readdirSync(incomingDir).length === 0, 5000, 'the spill files are removed once stored');
  });

  it('removes the file of a message abandoned half-way', async () => {
    const { talk } = await unfinished(300 * 1024);
    await waitFor(() => spilledBytes() > 0, 5000, 'the message goes to disk');
    talk.close();
    await waitFor(() => readdirSync(incomingDir).length === 0, 5000, 'the abandoned file is removed');
  });
});
