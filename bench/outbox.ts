import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { parseConfigText } from '../src/config/index.js';
import {
  createMailer,
  newMessageId,
  Outbox,
  outgoingMessage,
  startOutboxSender,
  type OutgoingMessage,
} from '../src/outgoing/index.js';
import { openTracker } from '../src/tracker/index.js';
import { startCaptureRelay } from '../test/helpers/captureRelay.js';

// Issue #8's figure: mails per second into the capture relay, the old way (one send awaited after
// another) against the outbox's sender (durable rows, pooled connections, several in flight).
const MAILS = Number(process.env.BENCH_MAILS ?? 400);
const CONCURRENCY = [4, 8];
const logger = pino({ level: 'silent' });

function mail(i: number): OutgoingMessage {
  return outgoingMessage({
    kind: 'notification',
    from: { name: 'Postroom', address: 'postroom@postroom.test' },
    to: [{ address: `member-${i}@example.com` }],
    subject: `treehouse | Fuel gauge reads empty (#${i})`,
    messageId: newMessageId('postroom.test'),
    references: [],
    text: `Jake commented:\n\n${'The gauge is stuck again. '.repeat(20)}\n`,
  });
}

const relay = await startCaptureRelay();
const config = (concurrency: number) =>
  parseConfigText(
    `host: postroom.test\nsmtp:\n  accepted_domains: [postroom.test]\noutgoing:\n  host: 127.0.0.1\n  port: ${relay.port}\n  start_tls: never\n  concurrency: ${concurrency}\n`,
    'bench.yml',
    {},
  ).outgoing;
const rate = (count: number, startedAt: number) => (count / ((performance.now() - startedAt) / 1000)).toFixed(1);

{
  const mailer = createMailer(config(2), logger);
  const startedAt = performance.now();
  for (let i = 0; i < MAILS; i++) await mailer.send(mail(i));
  console.log(`one at a time (before the outbox): ${rate(MAILS, startedAt)} mails/s`);
  mailer.close();
}

for (const concurrency of CONCURRENCY) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-bench-outbox-'));
  const tracker = openTracker(path.join(dir, 'tracker.db'));
  const outbox = new Outbox(tracker.db);
  const mailer = createMailer(config(concurrency), logger);
  const before = relay.messages.length;
  const startedAt = performance.now();
  const sender = startOutboxSender({
    outbox,
    mailer,
    concurrency,
    retry: { baseMs: 1000, maxMs: 1000, maxAgeMs: 60_000 },
    logger,
  });
  // Each mail its own commit (synchronous=FULL), as the actions that cause them commit.
  for (let i = 0; i < MAILS; i++) outbox.enqueue({ message: mail(i) });
  await relay.waitForMessages(before + MAILS, 120_000);
  await sender.idle();
  console.log(`outbox, ${concurrency} in flight, pooled (queued, sent, recorded): ${rate(MAILS, startedAt)} mails/s`);
  await sender.stop();
  mailer.close();
  tracker.close();
  rmSync(dir, { recursive: true, force: true });
}
await relay.close();
