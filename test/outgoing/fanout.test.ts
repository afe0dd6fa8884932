import { afterEach, describe, expect, it } from 'vitest';
import type { CapturedMail } from '../helpers/captureRelay.js';
import { must } from '../tracker/world.js';
import { at, fanoutWorld, mailTo, recipientsOf, type FanoutWorld } from './fanoutWorld.js';

let w: FanoutWorld;
afterEach(async () => {
  await w.close();
});

/** The reply key a mail carries, checked against Reply-To and References as GitLab writes them. */
function replyKeyOf(mail: CapturedMail): string {
  const key = mail.header('X-GitLab-Reply-Key');
  if (!key) throw new Error('no X-GitLab-Reply-Key');
  expect(mail.header('Reply-To')).toMatch(new RegExp(`<incoming\\+${key}@postroom\\.test>$`));
  expect(mail.header('References')?.split(/\s+/)[0]).toBe(`<reply-${key}@postroom.test>`);
  return key;
}

describe('a new issue', () => {
  it('tells the other members, each with their own reply key, and not its author', async () => {
    w = await fanoutWorld();
    const { id } = must(
      w.tracker.createIssue({
        project: w.privateProject,
        author: w.developer,
        title: 'Vault door sticks',
        description: 'It sticks.',
      }),
    );
    const mails = await w.delivered();

    // Not the author, not the blocked maintainer, not a non-member, never the Support Bot.
    expect(recipientsOf(mails)).toEqual([at('guest'), at('jake'), at('reporter')]);
    const jake = mailTo(mails, at('jake'));
    expect(jake.header('Subject')).toBe('vault | Vault door sticks (#1)');
    expect(jake.header('From')).toMatch(/^developer </);
    expect(jake.header('Reply-To')).toMatch(/^vault </);
    expect(jake.header('X-GitLab-Issue-ID')).toBe(String(id));
    expect(jake.text).toContain('It sticks.');

    const keys = new Set<string>();
    for (const [username, user] of [
      ['jake', w.jake],
      ['reporter', w.reporter],
      ['guest', w.guest],
    ] as const) {
      const key = replyKeyOf(mailTo(mails, at(username)));
      keys.add(key);
      const sent = w.tracker.sentNotification(key);
      expect(sent?.recipient.id).toBe(user.id);
      expect(sent?.noteable).toMatchObject({ type: 'Issue', id });
      expect(sent?.discussionId).toBeNull();
    }
    expect(keys.size).toBe(3);
  });

  it('when confidential, reaches reporters and up and its assignees, not other guests', async () => {
    w = await fanoutWorld();
    const otherGuest = w.user('otherguest');
    w.tracker.addMember(w.privateProject, otherGuest, 'guest');
    must(
      w.tracker.createIssue({
        project: w.privateProject,
        author: w.jake,
        title: 'Combination',
        description: 'Rotate it.\n/assign @guest',
        confidential: true,
      }),
    );
    const mails = await w.delivered();

    expect(recipientsOf(mails)).toEqual([at('developer'), at('guest'), at('reporter')]);
    expect(mailTo(mails, at('guest')).header('X-GitLab-NotificationReason')).toBe('assigned');
    expect(mailTo(mails, at('reporter')).header('X-GitLab-NotificationReason')).toBeUndefined();
  });
});

describe('a new note', () => {
  it('reaches participants and subscribers but not its author, and not anyone who unsubscribed', async () => {
    w = await fanoutWorld();
    const { id } = must(
      w.tracker.createIssue({ project: w.project, author: w.guest, title: 'Typo in README', description: 'teh' }),
    );
    const issue = w.issue(id);
    w.tracker.subscribe(w.outsider, issue);
    w.tracker.subscribe(w.blocked, issue);
    await w.delivered();

    must(await w.tracker.createNote({ project: w.project, noteable: issue, author: w.reporter, body: 'Confirmed.' }));
    expect(recipientsOf(await w.delivered())).toEqual([at('guest'), at('outsider')]);

    const note = must(
      await w.tracker.createNote({ project: w.project, noteable: issue, author: w.developer, body: 'Fixed on main.' }),
    );
    const mails = await w.delivered();
    // The earlier commenter is a participant now.
    expect(recipientsOf(mails)).toEqual([at('guest'), at('outsider'), at('reporter')]);
    const discussionId = w.tracker.noteById(note.id)?.discussionId;
    const toGuest = mailTo(mails, at('guest'));
    expect(toGuest.header('Subject')).toBe('Re: gitlabhq | Typo in README (#1)');
    expect(toGuest.header('X-GitLab-Discussion-ID')).toBe(discussionId);
    expect(toGuest.text).toContain('Fixed on main.');
    expect(mailTo(mails, at('outsider')).header('X-GitLab-NotificationReason')).toBe('subscribed');
    for (const [username, user] of [
      ['guest', w.guest],
      ['outsider', w.outsider],
      ['reporter', w.reporter],
    ] as const) {
      const sent = w.tracker.sentNotification(replyKeyOf(mailTo(mails, at(username))));
      expect(sent).toMatchObject({ recipient: { id: user.id }, noteable: { type: 'Issue', id }, discussionId });
    }

    w.tracker.unsubscribe(w.guest, issue);
    must(await w.tracker.createNote({ project: w.project, noteable: issue, author: w.reporter, body: 'Thanks!' }));
    expect(recipientsOf(await w.delivered())).toEqual([at('developer'), at('outsider')]);
  });

  it('when internal, reaches reporters and up only, even past the guest who opened the issue', async () => {
    w = await fanoutWorld();
    const { id } = must(
      w.tracker.createIssue({ project: w.project, author: w.guest, title: 'Crash on start', description: 'Boom.' }),
    );
    const issue = w.issue(id);
    w.tracker.subscribe(w.outsider, issue);
    w.tracker.subscribe(w.reporter, issue);
    must(await w.tracker.createNote({ project: w.project, noteable: issue, author: w.developer, body: 'Looking.' }));
    await w.delivered();

    must(
      await w.tracker.createNote({
        project: w.project,
        noteable: issue,
        author: w.jake,
        body: 'It is the customer config.',
        internal: true,
      }),
    );
    expect(recipientsOf(await w.delivered())).toEqual([at('developer'), at('reporter')]);
  });
});

describe('a new merge request', () => {
  it('tells developers and up and its assignees, not its author', async () => {
    w = await fanoutWorld();
    const created = await w.tracker.createMergeRequest({
      project: w.privateProject,
      author: w.developer,
      sourceBranch: 'feature',
      description: 'Oil the hinges.\n/assign @reporter',
      patches: [],
    });
    const { id } = must(created as Exclude<typeof created, { patchFailed: string }>);
    const mails = await w.delivered();

    expect(recipientsOf(mails)).toEqual([at('jake'), at('reporter')]);
    const jake = mailTo(mails, at('jake'));
    expect(jake.header('Subject')).toMatch(/^vault \| .* \(!1\)$/);
    expect(w.tracker.sentNotification(replyKeyOf(jake))?.noteable).toMatchObject({ type: 'MergeRequest', id });
  });
});

describe('sending', () => {
  it('a 550 for one recipient is an outgoing dead letter with the reason; the others still get theirs', async () => {
    w = await fanoutWorld({
      answer: (envelope) =>
        envelope.to.includes(at('reporter')) ? { code: 550, message: 'mailbox unavailable' } : null,
    });
    const issue = must(
      w.tracker.createIssue({ project: w.privateProject, author: w.developer, title: 'Hinge', description: '' }),
    );
    expect(recipientsOf(await w.delivered())).toEqual([at('guest'), at('jake')]);

    const [dead] = w.outbox.byState('dead');
    expect(dead).toMatchObject({
      kind: 'notification',
      recipients: [at('reporter')],
      attempts: 1,
      entity: { type: 'Issue', id: issue.id },
      lastError: expect.stringContaining('mailbox unavailable'),
    });
    expect(
      w.outbox
        .forEntity('Issue', issue.id)
        .map((mail) => mail.state)
        .sort(),
    ).toEqual(['dead', 'sent', 'sent']);
    const logged = w.logs.find((line) => line.msg === 'outgoing mail is a dead letter');
    expect(logged).toMatchObject({ component: 'outbox', messageId: dead.messageId, outboxId: dead.id });
  });

  it('is queued in the order things happened, and stops with stop()', async () => {
    w = await fanoutWorld();
    for (const title of ['First', 'Second', 'Third'])
      w.tracker.createIssue({ project: w.privateProject, author: w.developer, title, description: '' });
    expect(recipientsOf(await w.delivered())).toContain(at('jake'));
    const toJake = w.outbox
      .byState('sent')
      .reverse()
      .filter((mail) => mail.recipients.includes(at('jake')));
    expect(toJake.map((mail) => mail.subject)).toEqual([
      'vault | First (#1)',
      'vault | Second (#2)',
      'vault | Third (#3)',
    ]);

    w.notifications.stop();
    w.tracker.createIssue({ project: w.privateProject, author: w.developer, title: 'Unheard', description: '' });
    expect(await w.delivered()).toEqual([]);
  });
});
