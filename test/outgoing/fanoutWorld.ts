import { pino } from 'pino';
import type { Noteable, User } from '../../src/handlers/sink.js';
import {
  createMailer,
  Outbox,
  outgoingContext,
  startNotifications,
  startOutboxSender,
  type Notifications,
} from '../../src/outgoing/index.js';
import {
  startCaptureRelay,
  type CaptureRelay,
  type CaptureRelayOptions,
  type CapturedMail,
} from '../helpers/captureRelay.js';
import { makeWorld, must, type World } from '../tracker/world.js';
import { outgoingConfig } from './world.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface FanoutWorld extends World {
  relay: CaptureRelay;
  notifications: Notifications;
  outbox: Outbox;
  logs: LogLine[];
  /** Waits until the outbox has handed over what is due, then takes what the relay got since the last call. */
  delivered(): Promise<CapturedMail[]>;
  issue(id: number): Noteable;
  user(username: string): User;
  close(): Promise<void>;
}

/** The tracker world, a capture relay, a real mailer and the notifications listening. */
export async function fanoutWorld(relayOptions: CaptureRelayOptions = {}): Promise<FanoutWorld> {
  const world = await makeWorld();
  const relay = await startCaptureRelay(relayOptions);
  const config = outgoingConfig(relay.port);
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) });
  const mailer = createMailer(config.outgoing, logger);
  const outbox = new Outbox(world.tracker.db);
  const notifications = startNotifications({
    tracker: world.tracker,
    outbox,
    context: outgoingContext(config),
    logger,
  });
  const sender = startOutboxSender({
    outbox,
    mailer,
    concurrency: 4,
    retry: { baseMs: 50, maxMs: 200, maxAgeMs: 60_000 },
    logger,
    onSent: (mail) => {
      if (mail.thankYouFor !== null) world.tracker.recordThankYouSent(mail.thankYouFor);
    },
  });
  return {
    ...world,
    relay,
    notifications,
    outbox,
    logs,
    async delivered() {
      await sender.idle();
      return relay.messages.splice(0);
    },
    issue: (id) => world.tracker.noteable('Issue', id) as Noteable,
    user: (username) =>
      must(world.tracker.createUser({ username, name: username, email: `${username}@adventuretime.ooo` })),
    async close() {
      notifications.stop();
      await sender.stop();
      mailer.close();
      await relay.close();
      world.cleanup();
    },
  };
}

/** Envelope recipients of the mails, sorted. */
export const recipientsOf = (mails: CapturedMail[]): string[] => mails.flatMap((mail) => mail.envelope.to).sort();

export function mailTo(mails: CapturedMail[], address: string): CapturedMail {
  const found = mails.filter((mail) => mail.envelope.to.includes(address));
  if (found.length !== 1) throw new Error(`expected one mail to ${address}, got ${found.length}`);
  return found[0];
}

export const at = (username: string) => `${username}@adventuretime.ooo`;
