import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMailer,
  newMessageId,
  Outbox,
  outgoingMessage,
  startOutboxSender,
  type Mailer,
  type OutboxSender,
  type RetryPolicy,
} from '../../src/outgoing/index.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import { startCaptureRelay, type CaptureRelay, type CaptureRelayOptions } from '../helpers/captureRelay.js';
import { tempDir } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';
import { outgoingConfig, silentLogger } from './world.js';

const FAST: RetryPolicy = { baseMs: 50, maxMs: 200, maxAgeMs: 60_000 };

/**
 * A real tracker file with its outbox, a pooled mailer to `port`, and a sender; reopenable like a
 * restart. With `beforeSync`, the tracker groups its commits (as the routing thread's does) and
 * `beforeSync` sees each sync the outbox asks for.
 */
function outboxWorld(port: number, retry: RetryPolicy = FAST, beforeSync?: () => void) {
  const { dir, cleanup } = tempDir('postroom-outbox-');
  const file = path.join(dir, 'tracker.db');
  let tracker: Tracker;
  let outbox: Outbox;
  let mailer: Mailer;
  let sender: OutboxSender | undefined;
  const open = () => {
    tracker = openTracker(file, { commits: beforeSync ? 'grouped' : 'durable' });
    outbox = new Outbox(tracker.db, Date.now, () => {
      beforeSync?.();
      tracker.makeDurable();
    });
    mailer = createMailer(outgoingConfig(port).outgoing, silentLogger);
  };
  open();
  return {
    get outbox() {
      return outbox;
    },
    startSender() {
      sender = startOutboxSender({ outbox, mailer, concurrency: 4, retry, logger: silentLogger });
      return sender;
    },
    queue(count: number, tag: string): number[] {
      return Array.from({ length: count }, (_, i) =>
        outbox.enqueue({
          message: outgoingMessage({
            kind: 'notification',
            from: { address: 'postroom@postroom.test' },
            to: [{ address: `${tag}-${i}@example.com` }],
            subject: `${tag} ${i}`,
            messageId: newMessageId('postroom.test'),
            references: [],
            text: 'Hello\n',
          }),
        }),
      );
    },
    /** Stops as a crash would leave it: whatever is queued stays in the file. */
    async restart() {
      await sender?.stop();
      sender = undefined;
      mailer.close();
      tracker.close();
      open();
    },
    async close() {
      await sender?.stop();
      mailer.close();
      tracker.close();
      cleanup();
    },
  };
}

let world: ReturnType<typeof outboxWorld> | undefined;
const relays: CaptureRelay[] = [];
async function relay(options: CaptureRelayOptions = {}): Promise<CaptureRelay> {
  const started = await startCaptureRelay({ closeTimeoutMs: 50, ...options });
  relays.push(started);
  return started;
}
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const started of relays.splice(0)) await started.close();
});

const states = (outbox: Outbox) =>
  Object.fromEntries(
    (['queued', 'sending', 'retry', 'sent', 'dead'] as const)
      .map((state) => [state, outbox.byState(state).length] as const)
      .filter(([, count]) => count > 0),
  );

describe('the outbox', () => {
  it('lets go of sent mail past its retention, and of nothing else', async () => {
    world = outboxWorld(1);
    const [queued, dead, ...sent] = world.queue(5, 'kept');
    for (const id of sent) world.outbox.markSent(id, '250 2.0.0 Ok');
    world.outbox.markDead(dead, '550 5.1.1 no such user');
    expect(await world.outbox.purgeSent(Date.now() - 60_000)).toBe(0);
    // In batches of two: three sent mails take two transactions.
    expect(await world.outbox.purgeSent(Date.now() + 1, 2)).toBe(3);
    expect(states(world.outbox)).toEqual({ queued: 1, dead: 1 });
    expect(world.outbox.get(queued)?.state).toBe('queued');
    for (const id of sent) expect(world.outbox.get(id)).toBeNull();
  });

  it('sends a mail only once the commit that queued it is on disk, on a tracker that groups its commits', async () => {
    const capture = await relay();
    const seenAtSync: { relayed: number; sending: number }[] = [];
    world = outboxWorld(capture.port, FAST, () =>
      seenAtSync.push({ relayed: capture.messages.length, sending: world!.outbox.byState('sending').length }),
    );
    world.queue(2, 'grouped');
    world.startSender();
    await capture.waitForMessages(2);
    await waitFor(() => world!.outbox.byState('sent').length === 2, 5000, 'both recorded as sent');
    // The claim's commit, synced before either mail left: both claimed, none relayed yet.
    expect(seenAtSync[0]).toEqual({ relayed: 0, sending: 2 });
  });

  it('loses nothing while the relay is down: each mail goes out once it is back', async () => {
    const first = await relay();
    world = outboxWorld(first.port);
    const sender = world.startSender();
    world.queue(3, 'before');
    await first.waitForMessages(3);
    await sender.idle();
    await first.close();

    const deferred = world.queue(4, 'during');
    await sender.idle();
    expect(states(world.outbox)).toEqual({ sent: 3, retry: 4 });
    expect(world.outbox.get(deferred[0])?.lastError).toMatch(/ECONNREFUSED|ECONNECTION|421/);

    const back = await relay({ port: first.port });
    await back.waitForMessages(4);
    await waitFor(() => world!.outbox.byState('sent').length === 7, 5000, 'all seven recorded as sent');
    expect(back.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `during-${i}@example.com`),
    );
    expect(world.outbox.get(deferred[0])?.attempts).toBeGreaterThanOrEqual(2);
    expect(world.outbox.get(deferred[0])?.response).toMatch(/^250 /);
  });

  it('sends after a restart what was queued, or claimed and never finished, before it', async () => {
    const relayUp = await relay();
    world = outboxWorld(relayUp.port);
    world.queue(3, 'queued');
    // A sender that took one and died mid-send: its lease (1 ms here) runs out, another may take it.
    const [claimed] = world.outbox.claimDue(1, 1);
    expect(claimed.mail.state).toBe('sending');
    await world.restart();
    expect(relayUp.messages).toEqual([]);

    world.startSender();
    await relayUp.waitForMessages(3);
    await waitFor(() => world!.outbox.byState('sent').length === 3, 5000, 'three recorded as sent');
    expect(relayUp.messages.map((mail) => mail.header('Subject')).sort()).toEqual(['queued 0', 'queued 1', 'queued 2']);
  });

  it('makes a 550 from the relay an outgoing dead letter with the reason, tried once', async () => {
    let answers = 0;
    const refusing = await relay({
      answer: () => {
        answers += 1;
        return { code: 550, message: '5.1.1 mailbox unavailable' };
      },
    });
    world = outboxWorld(refusing.port);
    const sender = world.startSender();
    const [id] = world.queue(1, 'refused');
    await waitFor(() => world!.outbox.get(id)?.state === 'dead', 5000, 'the mail dead');
    await sender.idle();
    expect(world.outbox.get(id)).toMatchObject({
      state: 'dead',
      attempts: 1,
      lastError: expect.stringMatching(/^the relay refused it for good: .*550 5\.1\.1 mailbox unavailable/),
    });
    expect(answers).toBe(1);
  });

  it('gives up on a mail the relay keeps deferring (451) once it is too old, and says so', async () => {
    const deferring = await relay({ answer: () => ({ code: 451, message: '4.3.0 try later' }) });
    world = outboxWorld(deferring.port, { baseMs: 20, maxMs: 40, maxAgeMs: 300 });
    world.startSender();
    const [id] = world.queue(1, 'deferred');
    await waitFor(() => world!.outbox.get(id)?.state === 'dead', 5000, 'the mail dead');
    const dead = world.outbox.get(id)!;
    expect(dead.attempts).toBeGreaterThan(1);
    expect(dead.lastError).toMatch(/^not taken after \d+ attempt\(s\) over 0 min: .*451 4\.3\.0 try later/);
    expect(deferring.messages).toEqual([]);
  });
});
