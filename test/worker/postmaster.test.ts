import { afterEach, describe, expect, it } from 'vitest';
import { startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { startTestPostroom, testConfigText, type TestPostroom } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';
import { waitFor } from '../helpers/waitFor.js';

let postroom: TestPostroom | undefined;
let relay: CaptureRelay | undefined;
afterEach(async () => {
  await postroom?.cleanup();
  await relay?.close();
  postroom = relay = undefined;
});

/** One transaction to `recipients`; answers each RCPT's code and the spool id (when stored). */
async function sendTo(port: number, recipients: string[]): Promise<{ codes: number[]; id?: number }> {
  const { talk } = await greet(port);
  await talk.command('MAIL FROM:<someone@example.net>');
  const codes: number[] = [];
  for (const recipient of recipients) codes.push((await talk.command(`RCPT TO:<${recipient}>`)).code);
  if (!codes.includes(250)) {
    talk.close();
    return { codes };
  }
  await talk.command('DATA');
  const reply = await talk.command(
    'From: someone@example.net\r\nSubject: Your server bounces\r\nMessage-ID: <pm@example.net>\r\n\r\nHello postmaster.\r\n.',
  );
  talk.close();
  return { codes, id: Number(/queued as (\d+)/.exec(reply.text)?.[1]) };
}

const finalState = (id: number) => {
  const state = postroom!.spool.get(id)?.state;
  return state !== undefined && !['queued', 'processing', 'retry'].includes(state);
};

describe('mail for the postmaster (RFC 5321 §4.5.1)', () => {
  it('is accepted at RCPT for each of our domains and on its own, kept, and visible in the trace', async () => {
    postroom = await startTestPostroom();
    const { codes, id } = await sendTo(postroom.port, [
      'postmaster',
      'PostMaster@POSTROOM.test',
      'postmaster@elsewhere.example',
    ]);
    expect(codes).toEqual([250, 250, 550]);
    await waitFor(() => finalState(id!), 5000, 'routed');
    const deliveries = postroom.spool.deliveriesOf(id!);
    expect(deliveries.map((d) => [d.recipient, d.state, d.handler])).toEqual([
      ['postmaster', 'ignored', 'postmaster'],
      ['PostMaster@postroom.test', 'ignored', 'postmaster'],
    ]);
    expect(deliveries[0].lastError).toMatch(/kept in the spool .*postmaster\.forward_to/);
    expect(postroom.spool.raw(id!)!.toString()).toContain('Hello postmaster.');
  });

  it('is forwarded through the outgoing relay to postmaster.forward_to', async () => {
    relay = await startCaptureRelay();
    const port = relay.port;
    postroom = await startTestPostroom('', (dir) =>
      testConfigText(dir).replace(
        'outgoing:\n  enabled: false\n',
        `outgoing:\n  host: 127.0.0.1\n  port: ${port}\n  start_tls: never\npostmaster:\n  forward_to: admin@example.com\n`,
      ),
    );
    const { codes, id } = await sendTo(postroom.port, ['postmaster@postroom.test']);
    expect(codes).toEqual([250]);
    const [forwarded] = await relay.waitForMessages(1, 5000);
    expect(forwarded.envelope.to).toEqual(['admin@example.com']);
    expect(forwarded.header('auto-submitted')).toBe('auto-generated');
    expect(forwarded.text).toContain('Hello postmaster.');
    await waitFor(() => finalState(id!), 5000, 'routed');
    expect(postroom.spool.deliveriesOf(id!)[0]).toMatchObject({
      state: 'done',
      handler: 'postmaster',
      outcome: { state: 'done', detail: { forwardedTo: 'admin@example.com' } },
    });
  });
});
