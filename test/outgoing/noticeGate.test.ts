import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRejectionNotifier,
  noticeGate,
  outgoingContext,
  ownAddressCheck,
  type NoticeRequest,
} from '../../src/outgoing/index.js';
import { closedPort, startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { originalFromRaw, rawMail } from './original.js';
import { outgoingConfig, outgoingWorld, silentLogger, type OutgoingWorld } from './world.js';

const SISIMAI = 'test/fixtures/sisimai/maildir';
// Bounces and complaints a person forwarded by hand: nothing in their headers says "machine".
// They can only reach a notice through an error, and the rate limit still caps them.
const INDISTINGUISHABLE_FROM_PEOPLE = [
  'bsd/arf-22.eml',
  'bsd/arf-23.eml',
  'bsd/arf-24.eml',
  'bsd/lhost-sendmail-14.eml',
];

const isOwn = ownAddressCheck(outgoingContext(outgoingConfig(2525)));

async function request(
  headers: Record<string, string> = {},
  extra: Partial<NoticeRequest> = {},
  envelopeSender?: string,
): Promise<NoticeRequest> {
  return {
    error: { name: 'UnknownIncomingEmail' },
    original: await originalFromRaw(rawMail(headers), envelopeSender),
    automatic: false,
    ...extra,
  };
}

describe('the notice safety gate', () => {
  it('allows an ordinary person, naming the recipients and the reason', async () => {
    const decision = noticeGate(await request({}, {}, 'alice@example.net'), isOwn);
    expect(decision).toMatchObject({ allowed: true, recipients: ['alice@example.net'], reason: { canRetry: false } });
  });

  it('never answers the null sender or a message without a From', async () => {
    expect(noticeGate(await request({}, {}, ''), isOwn)).toEqual({
      allowed: false,
      refusal: 'the message came from the null sender (MAIL FROM:<>)',
    });
    expect(noticeGate(await request({ From: '' }), isOwn)).toEqual({
      allowed: false,
      refusal: 'the message has no From address',
    });
    expect(noticeGate(await request({ From: 'undisclosed-recipients:;' }), isOwn)).toMatchObject({ allowed: false });
  });

  it('never writes to our own addresses, whatever their case', async () => {
    for (const own of [
      'incoming+1-0123456789abcdefghijklmno-7@postroom.test',
      'Incoming+anything@POSTROOM.TEST',
      'incoming@postroom.test',
      'contact+acme-rocket-launcher-7-issue-@postroom.test',
      'contact@postroom.test',
      'postroom@postroom.test',
    ]) {
      expect(noticeGate(await request({ From: own }), isOwn)).toEqual({
        allowed: false,
        refusal: `${own} is one of our own addresses`,
      });
    }
    // Also when only the envelope sender is ours (a forwarded copy of our own mail).
    expect(noticeGate(await request({}, {}, 'postroom@postroom.test'), isOwn)).toMatchObject({ allowed: false });
    // Only our addresses, not the whole domain: a colleague at the same domain is a person.
    expect(noticeGate(await request({ From: 'colleague@postroom.test' }), isOwn)).toMatchObject({ allowed: true });
  });

  it('never answers automatic mail: the receiver’s flag, or the headers themselves', async () => {
    expect(noticeGate(await request({}, { automatic: true }), isOwn)).toEqual({
      allowed: false,
      refusal: 'the message was sent automatically',
    });
    const marked: Record<string, string>[] = [
      { 'Auto-Submitted': 'auto-replied' },
      { 'Auto-Submitted': 'Auto-Generated (nightly report)' },
      { Precedence: 'bulk' },
      { Precedence: 'junk' },
      { 'X-Autoreply': 'yes' },
      { 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' },
      { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary=x' },
      { 'Return-Path': '<>' },
    ];
    for (const headers of marked) {
      const decision = noticeGate(await request(headers), isOwn);
      expect(decision.allowed, JSON.stringify(headers)).toBe(false);
      expect(!decision.allowed && decision.refusal).toMatch(/^the message was sent automatically: /);
    }
    expect(noticeGate(await request({ 'Auto-Submitted': 'no' }), isOwn)).toMatchObject({ allowed: true });
  });

  it('never writes to mailboxes run by software', async () => {
    for (const from of [
      'MAILER-DAEMON@mx.example.net',
      'no-reply@example.net',
      'noreply@example.net',
      'gitlab-list-request@example.net',
    ]) {
      expect(noticeGate(await request({ From: from }), isOwn)).toEqual({
        allowed: false,
        refusal: `${from} is a system mailbox`,
      });
    }
  });

  it('lets none of the sisimai bounces and auto-replies through, except those a person forwarded', async () => {
    const leaked: string[] = [];
    for (const dir of readdirSync(SISIMAI)) {
      for (const file of readdirSync(path.join(SISIMAI, dir))) {
        const name = `${dir}/${file}`;
        const original = await originalFromRaw(readFileSync(path.join(SISIMAI, name)));
        const decision = noticeGate({ error: { name: 'UnknownIncomingEmail' }, original, automatic: false }, isOwn);
        const human = dir === 'not' && file.startsWith('is-not-bounce');
        if (decision.allowed !== human && !INDISTINGUISHABLE_FROM_PEOPLE.includes(name)) leaked.push(name);
      }
    }
    expect(leaked).toEqual([]);
  });
});

describe('the per-sender notice limit', () => {
  let relay: CaptureRelay;
  let world: OutgoingWorld;
  let clock = Date.parse('2025-04-01T10:00:00Z');
  const notifier = () =>
    createRejectionNotifier({
      context: world.context,
      outbox: world.outbox,
      noticeLog: world.noticeLog,
      limitPerSenderPerHour: world.config.outgoing.noticeLimitPerSenderPerHour,
      logger: silentLogger,
      now: () => clock,
    });

  beforeAll(async () => {
    relay = await startCaptureRelay();
  });
  afterAll(async () => {
    await relay.close();
  });
  afterEach(() => world.cleanup());

  it('stops at the limit, remembers it across a restart, and frees up after an hour', async () => {
    world = outgoingWorld(relay.port, '  notice_limit_per_sender_per_hour: 2');
    const looping = await request({ From: 'Loopy <LOOPY@example.net>' });
    expect(notifier().notify(looping).status).toBe('queued');
    clock += 60_000;
    expect(notifier().notify(looping).status).toBe('queued');
    clock += 60_000;
    expect(await notifier().notify(looping)).toEqual({
      status: 'refused',
      reason: 'LOOPY@example.net already had 2 notice(s) in the last hour (limit 2)',
    });
    // Another sender is not affected.
    expect(notifier().notify(await request({ From: 'calm@example.net' })).status).toBe('queued');
    await world.sent();

    await world.reopen();
    expect(await notifier().notify(await request({ From: 'loopy@EXAMPLE.net' }))).toMatchObject({ status: 'refused' });
    expect(relay.messages.filter((mail) => /loopy/i.test(mail.envelope.to[0]))).toHaveLength(2);

    clock += 60 * 60_000;
    await world.reopen();
    expect(notifier().notify(looping).status).toBe('queued');
  });

  it('counts a notice queued while the relay is down, which waits in the outbox with the reason', async () => {
    world = outgoingWorld(await closedPort(), '  notice_limit_per_sender_per_hour: 1');
    const outcome = notifier().notify(await request({ From: 'unlucky@example.net' }));
    expect(outcome).toMatchObject({ status: 'queued' });
    await world.sent();
    expect(outcome.status === 'queued' && world.outbox.get(outcome.outboxId)).toMatchObject({
      state: 'retry',
      attempts: 1,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    expect(notifier().notify(await request({ From: 'unlucky@example.net' }))).toMatchObject({ status: 'refused' });
  });
});
