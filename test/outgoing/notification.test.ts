import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildNotification,
  buildNotifications,
  outgoingContext,
  type NotificationInput,
} from '../../src/outgoing/index.js';
import { startCaptureRelay, type CaptureRelay, type CapturedMail } from '../helpers/captureRelay.js';
import {
  ISSUE,
  KEY_ALICE,
  KEY_BOB,
  MERGE_REQUEST,
  outgoingConfig,
  outgoingWorld,
  PROJECT,
  type OutgoingWorld,
} from './world.js';

const ISSUE_CREATED: NotificationInput = {
  project: PROJECT,
  noteable: ISSUE,
  event: { kind: 'created', authorName: 'Carol Maintainer', description: 'The gauge shows empty with a full tank.' },
};

const MR_NOTE: NotificationInput = {
  project: PROJECT,
  noteable: MERGE_REQUEST,
  event: {
    kind: 'note',
    authorName: 'Dave Reviewer',
    note: { id: 555, body: 'Looks good to me.', discussionId: 'a'.repeat(40) },
  },
};

describe('notifications through a real relay', () => {
  let relay: CaptureRelay;
  let world: OutgoingWorld;

  beforeAll(async () => {
    relay = await startCaptureRelay();
    world = outgoingWorld(relay.port);
  });
  afterAll(async () => {
    await world.cleanup();
    await relay.close();
  });

  async function deliver(...messages: ReturnType<typeof buildNotifications>): Promise<CapturedMail[]> {
    const before = relay.messages.length;
    for (const message of messages) expect((await world.mailer.send(message)).status).toBe('sent');
    return (await relay.waitForMessages(before + messages.length)).slice(before);
  }

  it('sends one mail per recipient for a new issue, with GitLab’s threading and list headers', async () => {
    const [alice, bob] = await deliver(
      ...buildNotifications(world.context, ISSUE_CREATED, [
        { address: 'alice@example.net', name: 'Alice', replyKey: KEY_ALICE, reason: 'assigned' },
        { address: 'bob@example.net', replyKey: KEY_BOB },
      ]),
    );
    expect(alice.envelope).toEqual({ from: 'postroom@postroom.test', to: ['alice@example.net'] });
    expect(alice.header('From')).toBe('Carol Maintainer <postroom@postroom.test>');
    expect(alice.header('To')).toBe('Alice <alice@example.net>');
    expect(alice.header('Subject')).toBe('Rocket Launcher | Fuel gauge reads empty (#3)');
    expect(alice.header('Reply-To')).toBe(`Rocket Launcher <incoming+${KEY_ALICE}@postroom.test>`);
    expect(alice.header('References')).toBe(`<reply-${KEY_ALICE}@postroom.test> <issue_42@postroom.test>`);
    expect(alice.header('In-Reply-To')).toBe('<issue_42@postroom.test>');
    expect(alice.header('Message-ID')).toMatch(/^<[0-9a-f]{32}@postroom\.test>$/);
    expect(bob.header('Message-ID')).not.toBe(alice.header('Message-ID'));
    expect(alice.header('X-GitLab-Reply-Key')).toBe(KEY_ALICE);
    expect(alice.header('X-GitLab-Project')).toBe('Rocket Launcher');
    expect(alice.header('X-GitLab-Project-Id')).toBe('7');
    expect(alice.header('X-GitLab-Project-Path')).toBe('acme/Rocket.Launcher');
    expect(alice.header('List-Id')).toBe('acme/Rocket.Launcher <7.rocket-launcher.acme.postroom.test>');
    expect(alice.header('X-GitLab-Issue-ID')).toBe('42');
    expect(alice.header('X-GitLab-Issue-IID')).toBe('3');
    expect(alice.header('X-GitLab-Issue-State')).toBe('opened');
    expect(alice.header('X-GitLab-NotificationReason')).toBe('assigned');
    expect(bob.header('X-GitLab-NotificationReason')).toBeUndefined();
    expect(alice.header('List-Unsubscribe')).toBe(
      `<https://postroom.test/-/sent_notifications/${KEY_ALICE}/unsubscribe>, <mailto:incoming+${KEY_ALICE}-unsubscribe@postroom.test>`,
    );
    expect(alice.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(alice.header('Auto-Submitted')).toBe('auto-generated');
    expect(alice.header('X-Auto-Response-Suppress')).toBe('All');
    expect(alice.headers('Auto-Submitted')).toHaveLength(1);
    // Spelled as GitLab spells them: some mail filters compare header names case-sensitively.
    expect(alice.headerNames).toEqual(
      expect.arrayContaining([
        'X-GitLab-Reply-Key',
        'X-GitLab-Project',
        'X-GitLab-Project-Id',
        'X-GitLab-Project-Path',
        'List-Id',
        'X-GitLab-Issue-ID',
        'X-GitLab-Issue-IID',
        'X-GitLab-Issue-State',
        'X-GitLab-NotificationReason',
        'List-Unsubscribe',
        'List-Unsubscribe-Post',
        'Auto-Submitted',
        'X-Auto-Response-Suppress',
      ]),
    );
    // Each recipient answers with their own key.
    expect(bob.header('Reply-To')).toBe(`Rocket Launcher <incoming+${KEY_BOB}@postroom.test>`);
    expect(bob.header('References')).toBe(`<reply-${KEY_BOB}@postroom.test> <issue_42@postroom.test>`);
    expect(alice.text).toContain('Carol Maintainer created issue #3:\n\nThe gauge shows empty with a full tank.');
    expect(alice.text).toContain(
      'Reply to this email directly or view it at https://postroom.test/acme/Rocket.Launcher/-/issues/3',
    );
  });

  it('answers the merge request thread for a note, with the merge request’s own headers', async () => {
    const [mail] = await deliver(
      buildNotification(world.context, MR_NOTE, { address: 'alice@example.net', replyKey: KEY_ALICE }),
    );
    expect(mail.header('Subject')).toBe('Re: Rocket Launcher | Calibrate the gauge (!12)');
    expect(mail.header('From')).toBe('Dave Reviewer <postroom@postroom.test>');
    expect(mail.header('In-Reply-To')).toBe('<merge_request_91@postroom.test>');
    expect(mail.header('References')).toBe(`<reply-${KEY_ALICE}@postroom.test> <merge_request_91@postroom.test>`);
    expect(mail.header('X-GitLab-MergeRequest-ID')).toBe('91');
    expect(mail.header('X-GitLab-MergeRequest-IID')).toBe('12');
    expect(mail.header('X-GitLab-MergeRequest-State')).toBe('merged');
    expect(mail.header('X-GitLab-Issue-ID')).toBeUndefined();
    expect(mail.header('X-GitLab-Discussion-ID')).toBe('a'.repeat(40));
    expect(mail.text).toContain('https://postroom.test/acme/Rocket.Launcher/-/merge_requests/12#note_555');
  });

  it('leaves out reply and unsubscribe headers when no reply key was recorded', async () => {
    const [mail] = await deliver(
      buildNotification(world.context, ISSUE_CREATED, { address: 'carol@example.net', replyKey: null }),
    );
    expect(mail.header('Reply-To')).toBeUndefined();
    expect(mail.header('X-GitLab-Reply-Key')).toBeUndefined();
    expect(mail.header('List-Unsubscribe')).toBeUndefined();
    expect(mail.header('List-Unsubscribe-Post')).toBeUndefined();
    expect(mail.header('References')).toBe('<issue_42@postroom.test>');
    expect(mail.header('Auto-Submitted')).toBe('auto-generated');
  });
});

describe('notification headers for other incoming setups', () => {
  it('offers only the https unsubscribe link when the incoming address has no %{key}', () => {
    const config = outgoingConfig(25);
    config.incomingEmail.address = 'incoming@postroom.test';
    const message = buildNotification(outgoingContext(config), ISSUE_CREATED, {
      address: 'alice@example.net',
      replyKey: KEY_ALICE,
    });
    expect(message.replyTo).toEqual({ name: 'Rocket Launcher', address: 'incoming@postroom.test' });
    expect(message.headers.find((header) => header.name === 'List-Unsubscribe')?.value).toBe(
      `<https://postroom.test/-/sent_notifications/${KEY_ALICE}/unsubscribe>`,
    );
  });

  it('invites no reply by mail when incoming email is off', () => {
    const config = outgoingConfig(25);
    config.incomingEmail.enabled = false;
    const message = buildNotification(outgoingContext(config), ISSUE_CREATED, {
      address: 'alice@example.net',
      replyKey: KEY_ALICE,
    });
    expect(message.replyTo).toBeUndefined();
    expect(message.references).toEqual(['<issue_42@postroom.test>']);
    expect(message.headers.find((header) => header.name === 'List-Unsubscribe')?.value).toBe(
      `<https://postroom.test/-/sent_notifications/${KEY_ALICE}/unsubscribe>`,
    );
    expect(message.text).toContain('View it at https://postroom.test/acme/Rocket.Launcher/-/issues/3');
  });
});
