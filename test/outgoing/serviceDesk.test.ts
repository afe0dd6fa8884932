import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServiceDeskNoteMails,
  buildServiceDeskThankYou,
  type ServiceDeskNoteInput,
} from '../../src/outgoing/index.js';
import { startCaptureRelay, type CaptureRelay, type CapturedMail } from '../helpers/captureRelay.js';
import { ISSUE, KEY_ALICE, KEY_BOB, outgoingWorld, PROJECT, type OutgoingWorld } from './world.js';

const TICKET = { ...ISSUE, confidential: true };

describe('Service Desk mail through a real relay', () => {
  let relay: CaptureRelay;
  let world: OutgoingWorld;

  beforeAll(async () => {
    relay = await startCaptureRelay();
    world = outgoingWorld(relay.port, '  from:\n    address: support@postroom.test\n    name: Acme Help');
  });
  afterAll(async () => {
    await world.cleanup();
    await relay.close();
  });

  async function deliver(...messages: ReturnType<typeof buildServiceDeskNoteMails>): Promise<CapturedMail[]> {
    const before = relay.messages.length;
    for (const message of messages) expect((await world.mailer.send(message)).status).toBe('sent');
    return (await relay.waitForMessages(before + messages.length)).slice(before);
  }

  it('thanks the customer for a new ticket, threaded under their own mail, with a reply key', async () => {
    const [mail] = await deliver(
      buildServiceDeskThankYou(world.context, {
        project: PROJECT,
        ticket: TICKET,
        customer: 'customer@example.org',
        replyKey: KEY_ALICE,
        customerMessageId: 'help-me-1@example.org',
      }),
    );
    expect(mail.envelope).toEqual({ from: 'support@postroom.test', to: ['customer@example.org'] });
    expect(mail.header('From')).toBe('Rocket Launcher via Acme Help <support@postroom.test>');
    expect(mail.header('To')).toBe('customer@example.org');
    expect(mail.header('Subject')).toBe('Re: Fuel gauge reads empty (#3)');
    expect(mail.header('Reply-To')).toBe(`Rocket Launcher <incoming+${KEY_ALICE}@postroom.test>`);
    expect(mail.header('In-Reply-To')).toBe('<help-me-1@example.org>');
    expect(mail.header('References')).toBe(
      `<reply-${KEY_ALICE}@postroom.test> <issue_42@postroom.test> <help-me-1@example.org>`,
    );
    expect(mail.header('X-GitLab-Reply-Key')).toBe(KEY_ALICE);
    expect(mail.header('X-GitLab-Project')).toBe('Rocket Launcher');
    expect(mail.header('List-Unsubscribe')).toBe(
      `<https://postroom.test/-/sent_notifications/${KEY_ALICE}/unsubscribe>, <mailto:incoming+${KEY_ALICE}-unsubscribe@postroom.test>`,
    );
    expect(mail.header('Auto-Submitted')).toBe('auto-generated');
    expect(mail.header('X-Auto-Response-Suppress')).toBe('All');
    expect(mail.text).toContain('We are tracking it as ticket #3');
    expect(mail.text).toContain('Reply to this email to add to your request.');
  });

  const note = (overrides: Partial<ServiceDeskNoteInput['note']> = {}): ServiceDeskNoteInput => ({
    project: PROJECT,
    ticket: TICKET,
    note: {
      id: 900,
      body: 'Please try restarting the gauge.',
      internal: false,
      authorName: 'Carol Agent',
      ...overrides,
    },
    participants: [
      { address: 'customer@example.org', replyKey: KEY_ALICE },
      { address: 'colleague@example.org', replyKey: KEY_BOB },
    ],
  });

  it('mails a public note to every external participant, each with their own key', async () => {
    const [customer, colleague] = await deliver(...buildServiceDeskNoteMails(world.context, note()));
    expect(customer.envelope.to).toEqual(['customer@example.org']);
    expect(colleague.envelope.to).toEqual(['colleague@example.org']);
    expect(customer.header('From')).toBe('Carol Agent via Rocket Launcher <support@postroom.test>');
    expect(customer.header('Subject')).toBe('Re: Fuel gauge reads empty (#3)');
    expect(customer.header('Reply-To')).toBe(`Rocket Launcher <incoming+${KEY_ALICE}@postroom.test>`);
    expect(colleague.header('Reply-To')).toBe(`Rocket Launcher <incoming+${KEY_BOB}@postroom.test>`);
    expect(customer.header('In-Reply-To')).toBe('<issue_42@postroom.test>');
    expect(colleague.header('References')).toBe(`<reply-${KEY_BOB}@postroom.test> <issue_42@postroom.test>`);
    expect(customer.header('Auto-Submitted')).toBe('auto-generated');
    expect(customer.header('X-Auto-Response-Suppress')).toBe('All');
    expect(customer.text).toMatch(/^Please try restarting the gauge\./);
  });

  it('sends nothing for an internal note, and nothing back to the participant who wrote it', () => {
    expect(buildServiceDeskNoteMails(world.context, note({ internal: true }))).toEqual([]);
    const fromCustomer = buildServiceDeskNoteMails(world.context, note({ externalAuthor: 'Customer@Example.org' }));
    expect(fromCustomer.map((mail) => mail.to[0].address)).toEqual(['colleague@example.org']);
  });
});
