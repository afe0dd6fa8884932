import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Noteable, User } from '../../src/handlers/sink.js';
import type { SpoolEntry } from '../../src/spool/index.js';
import { issueAsNoteable, openTracker, type Tracker } from '../../src/tracker/index.js';
import { asMailboxOwner, createDovecot, dovecotBinary, type PrivateDovecot } from '../helpers/dovecot.js';
import { graphMailboxYaml, startGraphStandIn, type GraphStandIn } from '../helpers/graphStandIn.js';
import { privateFilesText, startTestPostroom, tempDir, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

function must<T>(result: { saved: true; record: T } | { saved: false; errors: string[] }): T {
  if (!result.saved) throw new Error(result.errors.join(', '));
  return result.record;
}

/** Bob, a project with an issue, and a reply address to a notification bob was sent about it. */
class World {
  tracker!: Tracker;
  issue!: Noteable;
  replyAddress!: string;
  private counter = 0;

  constructor(
    private readonly put: (raw: Buffer) => Promise<unknown>,
    private readonly postroom: () => TestPostroom,
  ) {}

  async open(): Promise<void> {
    this.tracker = openTracker(this.postroom().config.tracker.path);
    const bob: User = must(this.tracker.createUser({ username: 'bob', email: 'bob@example.test' }));
    const project = must(await this.tracker.createProject({ fullPath: 'team/app', visibility: 'public' }));
    this.tracker.addMember(project, bob, 'developer');
    must(
      await this.tracker.createIssue({ idempotencyKey: null, project, author: bob, title: 'Plan', description: '' }),
    );
    this.issue = issueAsNoteable(this.tracker.issues(project)[0]);
    const key = this.tracker.recordSentNotification({ recipient: bob, project, noteable: this.issue });
    this.replyAddress = `incoming+${key}@postroom.test`;
  }

  /** A reply from bob with `above` on top of its header, as the mailbox holds it; its final state. */
  async reply(above: string[]): Promise<SpoolEntry> {
    const id = `<u${++this.counter}.${Date.now()}@mail.test>`;
    const head = [...above, 'From: Bob <bob@example.test>', `To: ${this.replyAddress}`, 'Subject: Re: Plan'];
    await this.put(Buffer.from(`${[...head, `Message-ID: ${id}`].join('\r\n')}\r\n\r\nSounds good to me.\r\n`));
    const spool = this.postroom().spool;
    const final = () =>
      spool.findByMessageId(id).find((e) => ['done', 'rejected', 'ignored', 'dead'].includes(e.state));
    await waitFor(() => final() !== undefined, 15_000, 'the polled reply processed');
    return final()!;
  }

  notes(): number {
    return this.tracker.notes(this.issue).length;
  }
}

// Microsoft 365 writes its field without an authserv-id, above what the sender sent.
const exchange = (dmarc: string) => [
  `Authentication-Results: spf=none (sender IP is 203.0.113.9) smtp.mailfrom=example.test; dkim=none (message not signed) header.d=none;dmarc=${dmarc} action=none header.from=example.test;compauth=${dmarc} reason=001`,
];
// Postfix with OpenDMARC on mx.postroom.test, delivering to Dovecot.
const postfix = (dmarc: string, id = 'mx.postroom.test') => [
  'Return-Path: <bob@example.test>',
  'Received: from mail.example.test (mail.example.test [203.0.113.9]) by mx.postroom.test (Postfix) with ESMTP id 4Lq2; Tue,  1 Dec 2026 16:00:01 +0000 (UTC)',
  `Authentication-Results: ${id}; dmarc=${dmarc} (p=none dis=none) header.from=example.test`,
];

describe('polled mail acts as its From only as far as the trusted provider authenticated it', () => {
  describe('Microsoft Graph, trusting exchange-online', () => {
    let graph: GraphStandIn;
    let postroom: TestPostroom;
    const world = new World(
      async (raw) => graph.add(raw),
      () => postroom,
    );
    beforeAll(async () => {
      graph = await startGraphStandIn();
      postroom = await startTestPostroom(
        '',
        (dir) => `
host: postroom.test
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
${graphMailboxYaml(graph)}
smtp:
  enabled: false
sender_auth:
  trusted_authserv_ids: [exchange-online]
${privateFilesText(dir)}`,
      );
      await world.open();
    });
    afterAll(async () => {
      world.tracker?.close();
      await postroom?.cleanup();
      await graph?.close();
    });

    it('dmarc=fail for bob’s domain: not bob, the reason and its source in the trace', async () => {
      const before = world.notes();
      const entry = await world.reply(exchange('fail'));
      expect(entry.auth).toMatchObject({ dmarc: { result: 'fail' }, upstream: 'exchange-online' });
      expect(entry.outcome).toMatchObject({
        state: 'rejected',
        error: 'UserNotFoundError',
        message: 'sender not believed: dmarc=fail for example.test, according to exchange-online',
        notice: 'not sent: the sender failed authentication',
      });
      expect(world.notes()).toBe(before);
    });

    it('dmarc=pass: bob’s note', async () => {
      const before = world.notes();
      const entry = await world.reply(exchange('pass'));
      expect(entry.auth).toMatchObject({ dmarc: { result: 'pass' }, upstream: 'exchange-online' });
      expect(entry.outcome?.state).toBe('done');
      expect(world.notes()).toBe(before + 1);
    });

    it('a forged passing field below the provider’s failing one is not the one read', async () => {
      const entry = await world.reply([...exchange('fail'), ...exchange('pass')]);
      expect(entry.auth?.dmarc.result).toBe('fail');
      expect(entry.outcome).toMatchObject({ state: 'rejected', error: 'UserNotFoundError' });
    });
  });

  describe.skipIf(!dovecotBinary)('IMAP from a real Dovecot, trusting mx.postroom.test', () => {
    let dovecot: PrivateDovecot;
    let postroom: TestPostroom;
    let cleanupDir: () => void;
    const world = new World(
      (raw) => admin((client) => client.append('INBOX', raw)),
      () => postroom,
    );

    function admin<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
      return asMailboxOwner(dovecot, work);
    }

    beforeAll(async () => {
      let dir: string;
      ({ dir, cleanup: cleanupDir } = tempDir('postroom-upstream-'));
      dovecot = await createDovecot(dir);
      await dovecot.start();
      postroom = await startTestPostroom(
        '',
        (own) => `
host: postroom.test
incoming_email:
  enabled: true
  address: "incoming+%{key}@postroom.test"
  host: ${dovecot.host}
  port: ${dovecot.port}
  ssl: false
  start_tls: false
  user: "${dovecot.user.user}"
  password: "${dovecot.user.password}"
  mailbox: INBOX
smtp:
  enabled: false
sender_auth:
  trusted_authserv_ids: [MX.postroom.test]
${privateFilesText(own)}`,
      );
      await world.open();
    });
    afterAll(async () => {
      world.tracker?.close();
      await postroom?.cleanup();
      await dovecot?.stop();
      cleanupDir?.();
    });

    it('dmarc=fail for bob’s domain: not bob, the reason in the trace', async () => {
      const before = world.notes();
      const entry = await world.reply(postfix('fail'));
      expect(entry.auth).toMatchObject({
        dmarc: { result: 'fail', domain: 'example.test' },
        upstream: 'mx.postroom.test',
      });
      expect(entry.outcome).toMatchObject({
        state: 'rejected',
        error: 'UserNotFoundError',
        message: 'sender not believed: dmarc=fail for example.test, according to mx.postroom.test',
      });
      expect(world.notes()).toBe(before);
    });

    it('dmarc=pass: bob’s note', async () => {
      const before = world.notes();
      const entry = await world.reply(postfix('pass'));
      expect(entry.outcome?.state).toBe('done');
      expect(world.notes()).toBe(before + 1);
    });

    it('a field from an authserv-id nobody trusts is not read: unverified, as without one', async () => {
      const before = world.notes();
      const entry = await world.reply(postfix('fail', 'mx.elsewhere.test'));
      expect(entry.auth).toBeUndefined();
      expect(entry.outcome?.state).toBe('done');
      expect(world.notes()).toBe(before + 1);
    });

    it('a forged passing field with the trusted id below the real one is not the one read', async () => {
      const forged = 'Authentication-Results: mx.postroom.test; dmarc=pass header.from=example.test';
      const entry = await world.reply([...postfix('fail'), forged]);
      expect(entry.auth?.dmarc.result).toBe('fail');
      expect(entry.outcome).toMatchObject({ state: 'rejected', error: 'UserNotFoundError' });
    });
  });
});
