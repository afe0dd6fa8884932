import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Noteable, Project, User } from '../../src/handlers/sink.js';
import type { CapturedMail } from '../helpers/captureRelay.js';
import { must } from '../tracker/world.js';
import { at, fanoutWorld, mailTo, recipientsOf, type FanoutWorld } from './fanoutWorld.js';

const CUSTOMER = 'customer@example.org';
const COLLEAGUE = 'colleague@example.org';

let w: FanoutWorld;
let project: Project;
let bot: User;
let ticket: Noteable;

/** What the Service Desk handler does with a customer's first mail (Cc'ing a colleague). */
beforeEach(async () => {
  w = await fanoutWorld();
  must(w.tracker.configureServiceDesk(w.project, { enabled: true }));
  project = w.tracker.projectById(w.project.id) as Project;
  bot = w.tracker.supportBot();
  const { id } = must(
    w.tracker.createIssue({
      project,
      author: bot,
      title: 'Printer on fire',
      description: 'Please help.',
      externalAuthor: CUSTOMER,
      emailMessageId: '<help-1@example.org>',
    }),
  );
  ticket = w.issue(id);
  w.tracker.addEmailParticipants(ticket, [CUSTOMER, COLLEAGUE]);
  w.tracker.requestServiceDeskThankYou(ticket, CUSTOMER);
});
afterEach(async () => {
  await w.close();
});

/** The key must name the Support Bot, so the customer's reply becomes the bot's note with them as external author. */
function expectSupportBotKey(mail: CapturedMail): void {
  const key = mail.header('X-GitLab-Reply-Key') as string;
  expect(mail.header('Reply-To')).toBe(`gitlabhq <incoming+${key}@postroom.test>`);
  expect(mail.header('References')?.split(/\s+/)[0]).toBe(`<reply-${key}@postroom.test>`);
  const sent = w.tracker.sentNotification(key);
  expect(sent).toMatchObject({
    recipient: { id: bot.id, isSupportBot: true },
    noteable: { type: 'Issue', id: ticket.id },
    discussionId: null,
  });
}

const note = (author: User, body: string, extra: { internal?: boolean; externalAuthor?: string } = {}) =>
  w.tracker.createNote({ project, noteable: ticket, author, body, ...extra }).then(must);

describe('Service Desk', () => {
  it('thanks the customer once, under their own mail, with a key for the Support Bot; the team (reporters and up) hears of the ticket', async () => {
    const mails = await w.delivered();
    // Tickets are confidential by default, so the guest does not hear of it.
    expect(ticket.confidential).toBe(true);
    expect(recipientsOf(mails)).toEqual([CUSTOMER, at('developer'), at('jake'), at('reporter')]);

    const thanks = mailTo(mails, CUSTOMER);
    expect(thanks.header('Subject')).toBe('Re: Printer on fire (#1)');
    expect(thanks.header('In-Reply-To')).toBe('<help-1@example.org>');
    expect(thanks.text).toContain('ticket #1');
    expectSupportBotKey(thanks);
    expect(mailTo(mails, at('jake')).header('Subject')).toBe('gitlabhq | Printer on fire (#1)');
  });

  it('mails a public note to the email participants, each with a Support Bot key, and an internal one to nobody outside', async () => {
    await w.delivered();
    await note(w.developer, 'Have you tried turning it off?');
    const mails = await w.delivered();
    expect(recipientsOf(mails)).toEqual([COLLEAGUE, CUSTOMER]);
    for (const address of [CUSTOMER, COLLEAGUE]) {
      const mail = mailTo(mails, address);
      expect(mail.header('From')).toMatch(/^developer via gitlabhq </);
      expect(mail.text).toContain('Have you tried turning it off?');
      expectSupportBotKey(mail);
    }
    expect(mailTo(mails, CUSTOMER).header('X-GitLab-Reply-Key')).not.toBe(
      mailTo(mails, COLLEAGUE).header('X-GitLab-Reply-Key'),
    );

    await note(w.jake, 'Customer is on the old firmware.', { internal: true });
    // Only the team member taking part hears of it.
    expect(recipientsOf(await w.delivered())).toEqual([at('developer')]);
  });

  it("passes the customer's reply on to the other participants and the team, not back to the customer", async () => {
    await note(w.developer, 'Looking into it.');
    await w.delivered();
    await note(bot, 'It is still burning.', { externalAuthor: CUSTOMER });
    const mails = await w.delivered();

    expect(recipientsOf(mails)).toEqual([COLLEAGUE, at('developer')]);
    expect(mailTo(mails, COLLEAGUE).header('From')).toMatch(new RegExp(`^"?${CUSTOMER} via gitlabhq"? <`));
    expect(mailTo(mails, at('developer')).header('From')).toMatch(new RegExp(`^"?${CUSTOMER} via ${bot.name}"? <`));
    expect(mails.some((mail) => mail.envelope.to.includes(bot.email))).toBe(false);
  });

  it('sends participants nothing once Service Desk is turned off', async () => {
    await w.delivered();
    must(w.tracker.configureServiceDesk(project, { enabled: false }));
    await note(w.developer, 'Closing this channel.');
    expect(await w.delivered()).toEqual([]);
  });
});
