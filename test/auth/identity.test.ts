import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Noteable, Project, User } from '../../src/handlers/sink.js';
import type { SpoolEntry } from '../../src/spool/index.js';
import { issueAsNoteable, openTracker, type Tracker } from '../../src/tracker/index.js';
import { startCaptureRelay, type CaptureRelay } from '../helpers/captureRelay.js';
import { dkimKey, dnsmasqAvailable, startDns, type TestDns } from '../helpers/dns.js';
import type { TestPostroom } from '../helpers/postroom.js';
import { sendRaw, signed, startAuthPostroom } from '../helpers/senderAuth.js';
import { waitFor } from '../helpers/waitFor.js';

const key = dkimKey();
const RECORDS = {
  'example.test': 'v=spf1 ip4:192.0.2.1 -all',
  's1._domainkey.example.test': key.record,
  '_dmarc.example.test': 'v=DMARC1; p=quarantine',
};

function must<T>(result: { saved: true; record: T } | { saved: false; errors: string[] }): T {
  if (!result.saved) throw new Error(result.errors.join(', '));
  return result.record;
}

describe.skipIf(!dnsmasqAvailable)('who may act as a user (identity: author, require: not_failed)', () => {
  let dns: TestDns;
  let relay: CaptureRelay;
  let postroom: TestPostroom;
  let tracker: Tracker;
  let bob: User;
  let project: Project;
  let issue: Noteable;
  let replyAddress: string;
  let counter = 0;

  /** Sends `headers` + a body to `to` from 127.0.0.1 and waits for the worker's final state. */
  async function deliver(headers: string, to: string, options: { sign?: boolean; mailFrom?: string } = {}) {
    const id = `<m${++counter}.${Date.now()}@mail.test>`;
    let raw = `${headers}\nTo: ${to}\nSubject: Re: the plan\nMessage-ID: ${id}\n\nSounds good to me.\n`;
    if (options.sign) raw = await signed(raw, 'example.test', key);
    const sent = await sendRaw(postroom.port, raw, { from: options.mailFrom ?? 'bounce@mail.test', to });
    if (!sent.accepted) throw new Error(`refused: ${sent.response}`);
    await waitFor(
      () => ['done', 'rejected', 'ignored', 'dead'].includes(postroom.spool.get(sent.id)?.state ?? ''),
      10_000,
      'processed',
    );
    return { entry: postroom.spool.get(sent.id) as SpoolEntry, messageId: id };
  }
  const notesOn = (noteable: Noteable) => tracker.notes(noteable);

  beforeAll(async () => {
    dns = await startDns(RECORDS);
    relay = await startCaptureRelay();
    postroom = await startAuthPostroom(
      dns.server,
      `outgoing: { host: 127.0.0.1, port: ${relay.port}, start_tls: never, base_url: https://postroom.test }`,
    );
    tracker = openTracker(postroom.config.tracker.path);
    bob = must(tracker.createUser({ username: 'bob', email: 'bob@example.test' }));
    project = must(await tracker.createProject({ fullPath: 'team/app', visibility: 'public' }));
    tracker.addMember(project, bob, 'developer');
    must(await tracker.createIssue({ idempotencyKey: null, project, author: bob, title: 'Plan', description: '' }));
    issue = issueAsNoteable(tracker.issues(project)[0]);
    replyAddress = `incoming+${tracker.recordSentNotification({ recipient: bob, project, noteable: issue })}@postroom.test`;
  });
  afterAll(async () => {
    tracker?.close();
    await postroom?.cleanup();
    await relay?.close();
    await dns?.stop();
  });

  it('a reply DKIM-signed by bob’s domain is bob’s note', async () => {
    const before = notesOn(issue).length;
    const { entry } = await deliver('From: Bob <bob@example.test>', replyAddress, { sign: true });
    expect(entry.outcome?.state).toBe('done');
    expect(notesOn(issue)).toHaveLength(before + 1);
  });

  it('From: eve with Reply-To: bob is eve, not bob: no note', async () => {
    const before = notesOn(issue).length;
    const { entry } = await deliver('From: eve@evil.example\nReply-To: bob@example.test', replyAddress);
    expect(entry.outcome).toMatchObject({ state: 'rejected', error: 'UserNotFoundError' });
    expect(notesOn(issue)).toHaveLength(before);
  });

  it('an encoded display name that spells bob’s address is only a name: the address is eve’s', async () => {
    const before = notesOn(issue).length;
    const { entry } = await deliver('From: =?utf-8?Q?Bob_=3Cbob=40example.test=3E?= <eve@evil.example>', replyAddress);
    expect(entry.outcome).toMatchObject({ state: 'rejected', error: 'UserNotFoundError' });
    expect(notesOn(issue)).toHaveLength(before);
  });

  it('a plain From: bob from a host bob’s domain does not allow fails DMARC: refused, reason traced, no notice', async () => {
    const before = notesOn(issue).length;
    const sentBefore = relay.messages.length;
    const { entry } = await deliver('From: bob@example.test', replyAddress, { mailFrom: 'bob@example.test' });
    expect(entry.auth?.dmarc.result).toBe('fail');
    expect(entry.outcome).toMatchObject({
      state: 'rejected',
      error: 'UserNotFoundError',
      message: 'sender not believed: dmarc=fail for example.test',
      notice: 'not sent: the sender failed authentication',
    });
    expect(notesOn(issue)).toHaveLength(before);
    expect(relay.messages.slice(sentBefore).filter((m) => m.envelope.to.includes('bob@example.test'))).toEqual([]);
  });

  describe('Service Desk', () => {
    let desk: Project;
    let ticket: Noteable;
    let ticketMessageId: string;
    const deskAddress = () => `contact+${desk.slug}-${desk.id}-issue-@postroom.test`;

    beforeAll(async () => {
      desk = must(await tracker.createProject({ fullPath: 'team/desk', visibility: 'public' }));
      must(tracker.configureServiceDesk(desk, { enabled: true, ticketsConfidentialByDefault: true }));
      desk = tracker.projectById(desk.id)!;
      const opened = await deliver(
        'From: carol@example.test',
        `incoming+${desk.slug}-${desk.id}-issue-@postroom.test`,
        {
          sign: true,
        },
      );
      expect(opened.entry.outcome?.state).toBe('done');
      ticketMessageId = opened.messageId;
      ticket = issueAsNoteable(tracker.issues(desk)[0]);
      expect(tracker.emailParticipants(ticket)).toEqual(['carol@example.test']);
    });

    it('a stranger answering the ticket’s Message-ID gets an internal note marked unverified, joins nothing, receives nothing', async () => {
      const sentBefore = relay.messages.length;
      const { entry } = await deliver(`From: eve@evil.example\nIn-Reply-To: ${ticketMessageId}`, deskAddress());
      expect(entry.outcome?.state).toBe('done');
      expect(entry.outcome).toMatchObject({ detail: { unverifiedSender: 'eve@evil.example' } });
      const note = notesOn(ticket).at(-1)!;
      expect(note.internal).toBe(true);
      expect(note.body).toMatch(/^\*\*Unverified sender\*\* eve@evil\.example \(not a participant of this ticket\)/);
      expect(tracker.emailParticipants(ticket)).toEqual(['carol@example.test']);
      // Let the outbox run: nothing goes to the stranger, and the stranger's words go to no one.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const later = relay.messages.slice(sentBefore);
      expect(later.filter((m) => m.envelope.to.includes('eve@evil.example'))).toEqual([]);
      expect(later.filter((m) => m.text.includes('Sounds good to me'))).toEqual([]);
    });

    it('a stranger whose mail passed aligned joins only where the project allows it', async () => {
      const reply = () =>
        deliver(`From: dave@example.test\nIn-Reply-To: ${ticketMessageId}`, deskAddress(), { sign: true });
      expect((await reply()).entry.outcome).toMatchObject({ detail: { unverifiedSender: 'dave@example.test' } });
      expect(notesOn(ticket).at(-1)!.internal).toBe(true);
      must(tracker.configureServiceDesk(desk, { addAlignedRepliersAsParticipants: true }));
      try {
        expect((await reply()).entry.outcome?.state).toBe('done');
        expect(notesOn(ticket).at(-1)!.internal).toBe(false);
        expect(tracker.emailParticipants(ticket)).toEqual(['carol@example.test', 'dave@example.test']);
      } finally {
        must(tracker.configureServiceDesk(desk, { addAlignedRepliersAsParticipants: false }));
      }
    });

    it('the customer’s own reply is a public note on the ticket', async () => {
      const { entry } = await deliver(`From: carol@example.test\nIn-Reply-To: ${ticketMessageId}`, deskAddress(), {
        sign: true,
      });
      expect(entry.outcome?.state).toBe('done');
      const note = notesOn(ticket).at(-1)!;
      expect(note.internal).toBe(false);
      expect(note.externalAuthor).toBe('carol@example.test');
    });
  });
});
