import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentRefusals } from '../../src/spool/index.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

let postroom: TestPostroom;
beforeAll(async () => {
  postroom = await startTestPostroom();
});
afterAll(() => postroom.cleanup());

describe('recipients refused at RCPT TO', () => {
  it('are kept in the spool with the reply, the sender and the client', async () => {
    const error = await nodemailer
      .createTransport({ host: '127.0.0.1', port: postroom.port, tls: { rejectUnauthorized: false } })
      .sendMail({ from: 'stranger@example.org', to: 'nobody@postroom.test', subject: 'x', text: 'x\n' })
      .then(
        () => undefined,
        (e: { responseCode?: number }) => e,
      );
    expect(error?.responseCode).toBe(550);
    await waitFor(() => recentRefusals(postroom.spool.db, 10).length === 1, 10_000, 'the refusal was written');
    expect(recentRefusals(postroom.spool.db, 10)[0]).toMatchObject({
      recipient: 'nobody@postroom.test',
      mailFrom: 'stranger@example.org',
      clientAddress: '127.0.0.1',
      code: 550,
      reason: expect.stringMatching(/^5\.1\.1 /),
    });
  });
});
