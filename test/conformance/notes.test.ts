// GitLab's CreateNoteHandler, UnsubscribeHandler and CreateNoteOnIssuableHandler specs, row by row,
// through the SMTP front of a running Postroom (see /work/shared/corpora/gitlab/EXPECTED.md).
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Noteable, Project, User } from '../../src/handlers/sink.js';
import { issueAsNoteable, mergeRequestAsNoteable, type Tracker } from '../../src/tracker/index.js';
import {
  conformanceTable,
  DEDICATED_ADDRESS,
  fixture,
  HOST,
  MAIL_KEY,
  must,
  reportConformance,
  rewrite,
  setHeader,
  startConformance,
  type Conformance,
  type Delivered,
} from './harness.js';

const REPLY_ADDRESS = `incoming+${MAIL_KEY}@${HOST}`;
const UNKNOWN_KEY = 'ffffffffffffffffffffffffffffffff';

interface World {
  jake: User;
  author: User;
  project: Project;
}

async function buildWorld(tracker: Tracker): Promise<World> {
  const jake = must(
    tracker.createUser({
      username: 'jake',
      name: 'Jake the Dog',
      email: 'jake@adventuretime.ooo',
      incomingEmailToken: 'auth_token',
    }),
  );
  const author = must(tracker.createUser({ username: 'author', email: 'author@example.com' }));
  const project = must(await tracker.createProject({ fullPath: 'gitlabhq/gitlabhq', visibility: 'public' }));
  tracker.addMember(project, author, 'maintainer');
  return { jake, author, project };
}

interface Scene {
  noteable: Noteable;
  originalDiscussion: string;
}

/** A fresh noteable with one note, and a notification to `recipient` recorded under the fixture's key. */
async function scene(
  tracker: Tracker,
  world: World,
  options: { recipient?: User; confidential?: boolean; mergeRequest?: boolean; byBot?: boolean; key?: string } = {},
): Promise<Scene> {
  const { project } = world;
  let noteable: Noteable;
  if (options.mergeRequest) {
    const outcome = await tracker.createMergeRequest({
      project,
      author: world.author,
      sourceBranch: `feature-${Date.now()}-${Math.random()}`,
      description: '',
      patches: [],
    });
    if ('patchFailed' in outcome) throw new Error(outcome.patchFailed);
    const created = must(outcome);
    noteable = mergeRequestAsNoteable(tracker.mergeRequestById(created.id)!);
  } else {
    const by = options.byBot ? tracker.supportBot() : world.author;
    const created = must(
      tracker.createIssue({
        project,
        author: by,
        title: 'service desk issue',
        description: 'An issue',
        confidential: options.confidential ?? false,
      }),
    );
    noteable = issueAsNoteable(tracker.issueById(created.id)!);
  }
  const original = must(
    await tracker.createNote({ project, noteable, author: world.author, body: 'The original note' }),
  );
  const originalDiscussion = tracker.noteById(original.id)!.discussionId;
  const key = options.key ?? MAIL_KEY;
  tracker.db.prepare('DELETE FROM sent_notifications WHERE reply_key = ?').run(key);
  tracker.recordSentNotification({
    recipient: options.recipient ?? world.jake,
    project,
    noteable,
    discussionId: originalDiscussion,
    legacyReplyKey: key,
  });
  return { noteable, originalDiscussion };
}

const fresh = (tracker: Tracker, noteable: Noteable) =>
  noteable.type === 'Issue'
    ? issueAsNoteable(tracker.issueById(noteable.id)!)
    : mergeRequestAsNoteable(tracker.mergeRequestById(noteable.id)!);

function expectRejected(delivered: Delivered, error: string, canRetry: boolean, replyTo?: string): void {
  expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error });
  expect(delivered.notice, `a notice for ${error}`).toBeDefined();
  expect(delivered.notice!.header('Subject')).toMatch(/^\[Rejected\]/);
  expect(delivered.notice!.envelope.to).toEqual(['jake@adventuretime.ooo']);
  expect(delivered.notice!.header('Reply-To')).toBe(canRetry ? replyTo : undefined);
}

reportConformance();

let c: Conformance;
let dedicated: Conformance;
let world: World;
let dedicatedWorld: World;
beforeAll(async () => {
  [c, dedicated] = await Promise.all([startConformance(), startConformance({ incomingAddress: DEDICATED_ADDRESS })]);
  [world, dedicatedWorld] = await Promise.all([buildWorld(c.tracker), buildWorld(dedicated.tracker)]);
});
afterAll(async () => {
  await Promise.all([c?.stop(), dedicated?.stop()]);
});

const validReply = () => rewrite(fixture('valid_reply.eml'));

describe('Reply by email (CreateNoteHandler)', () => {
  const row = conformanceTable('reply');

  row('valid_reply.eml: +1 note by the recipient, with the text, in the original discussion', async () => {
    const { noteable, originalDiscussion } = await scene(c.tracker, world);
    const delivered = await c.send(validReply(), REPLY_ADDRESS);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.handler).toBe('CreateNoteHandler');
    const notes = c.tracker.notes(noteable);
    expect(notes).toHaveLength(2);
    const note = notes[1];
    expect(note.authorId).toBe(world.jake.id);
    expect(note.body).toContain('I could not disagree more.');
    expect(note.body).toContain('Jake out');
    expect(note.discussionId).toBe(originalDiscussion);
  });

  row('valid_reply.eml, key removed (dedicated address, no key anywhere): UnknownIncomingEmail', async () => {
    await scene(dedicated.tracker, dedicatedWorld);
    const raw = rewrite(fixture('valid_reply.eml').replaceAll(MAIL_KEY, ''));
    const delivered = await dedicated.send(raw, DEDICATED_ADDRESS);
    expectRejected(delivered, 'UnknownIncomingEmail', false);
  });

  row('wrong_mail_key (synthesised: an unknown reply key): SentNotificationNotFoundError', async () => {
    await scene(c.tracker, world);
    const raw = rewrite(fixture('valid_reply.eml').replaceAll(MAIL_KEY, UNKNOWN_KEY));
    const delivered = await c.send(raw, `incoming+${UNKNOWN_KEY}@${HOST}`);
    expectRejected(delivered, 'SentNotificationNotFoundError', false);
  });

  row('valid_reply.eml from an address that is not the recipient’s: UserNotFoundError', async () => {
    const { noteable } = await scene(c.tracker, world);
    const delivered = await c.send(setHeader(validReply(), 'From', 'Finn <finn@adventuretime.ooo>'), REPLY_ADDRESS);
    expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'UserNotFoundError' });
    expect(c.tracker.notes(noteable)).toHaveLength(1);
  });

  row('valid_reply.eml from a confirmed secondary email of the recipient: +1 note', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.db.prepare('DELETE FROM user_emails WHERE email_lower = ?').run('jake.secondary@adventuretime.ooo');
    must(c.tracker.addEmail(world.jake, 'jake.secondary@adventuretime.ooo', { verified: true }));
    const delivered = await c.send(
      setHeader(validReply(), 'From', 'Jake <jake.secondary@adventuretime.ooo>'),
      REPLY_ADDRESS,
    );
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(c.tracker.notes(noteable)).toHaveLength(2);
  });

  row('valid_reply.eml from a stranger when the recipient is the Support Bot: +1 note', async () => {
    c.tracker.configureServiceDesk(world.project, { enabled: true });
    try {
      const { noteable } = await scene(c.tracker, world, { recipient: c.tracker.supportBot(), byBot: true });
      const delivered = await c.send(setHeader(validReply(), 'From', 'Finn <finn@adventuretime.ooo>'), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(c.tracker.notes(noteable)).toHaveLength(2);
    } finally {
      c.tracker.configureServiceDesk(world.project, { enabled: false });
    }
  });

  row('valid_reply.eml, project private and the recipient not a member: ProjectNotFound', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.setVisibility(world.project, 'private');
    try {
      const delivered = await c.send(validReply(), REPLY_ADDRESS);
      expectRejected(delivered, 'ProjectNotFound', false);
      expect(c.tracker.notes(noteable)).toHaveLength(1);
    } finally {
      c.tracker.setVisibility(world.project, 'public');
    }
  });

  row('valid_reply.eml, noteable deleted: NoteableNotFoundError', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.deleteIssue(noteable);
    const delivered = await c.send(validReply(), REPLY_ADDRESS);
    expectRejected(delivered, 'NoteableNotFoundError', false);
  });

  row(
    'valid_reply.eml, note not persisted (too long): InvalidNoteError, notice can retry',
    async () => {
      const { noteable } = await scene(c.tracker, world);
      const long = `${'x'.repeat(99)}\n`.repeat(10_100);
      const raw = validReply().replace('I could not disagree more.', `I could not disagree more.\n${long}`);
      const delivered = await c.send(raw, REPLY_ADDRESS);
      expectRejected(delivered, 'InvalidNoteError', true, REPLY_ADDRESS);
      expect(delivered.entry.outcome).toMatchObject({
        message: expect.stringMatching(
          /^The comment could not be created for the following reasons:\n\n- Note is too long/,
        ),
      });
      expect(c.tracker.notes(noteable)).toHaveLength(1);
    },
    30_000,
  );

  row('valid_reply.eml on a confidential issue, recipient a reporter: +1 note', async () => {
    const { noteable } = await scene(c.tracker, world, { confidential: true });
    c.tracker.addMember(world.project, world.jake, 'reporter');
    try {
      const delivered = await c.send(validReply(), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(c.tracker.notes(noteable)).toHaveLength(2);
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('valid_reply.eml on a confidential issue, recipient without access: UserNotAuthorizedError', async () => {
    const { noteable } = await scene(c.tracker, world, { confidential: true });
    const delivered = await c.send(validReply(), REPLY_ADDRESS);
    expectRejected(delivered, 'UserNotAuthorizedError', false);
    expect(c.tracker.notes(noteable)).toHaveLength(1);
  });

  row('update_commands_only_reply.eml (/close), developer: no error, issue closed', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.addMember(world.project, world.jake, 'developer');
    try {
      const delivered = await c.send(rewrite(fixture('update_commands_only_reply.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(fresh(c.tracker, noteable).state).toBe('closed');
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('update_commands_only_reply.eml (/close), non-member: no error, nothing changes', async () => {
    const { noteable } = await scene(c.tracker, world);
    const delivered = await c.send(rewrite(fixture('update_commands_only_reply.eml')), REPLY_ADDRESS);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(fresh(c.tracker, noteable).state).toBe('opened');
  });

  row(
    'commands_in_reply.eml, developer, on an issue: +1 note with the quote in <details>, closed, +1 todo',
    async () => {
      const { noteable } = await scene(c.tracker, world);
      c.tracker.addMember(world.project, world.jake, 'developer');
      const todos = c.tracker.todos(world.jake).length;
      try {
        const delivered = await c.send(rewrite(fixture('commands_in_reply.eml')), REPLY_ADDRESS);
        expect(delivered.entry.outcome?.state).toBe('done');
        const notes = c.tracker.notes(noteable);
        expect(notes).toHaveLength(2);
        expect(notes[1].body).toContain('Cool!');
        expect(notes[1].body).toContain('<details><summary>...</summary>');
        expect(fresh(c.tracker, noteable).state).toBe('closed');
        expect(c.tracker.todos(world.jake).length).toBe(todos + 1);
      } finally {
        c.tracker.removeMember(world.project, world.jake);
      }
    },
  );

  row('commands_in_reply.eml, non-member, on an issue: +1 note, +1 todo, stays open', async () => {
    const { noteable } = await scene(c.tracker, world);
    const todos = c.tracker.todos(world.jake).length;
    const delivered = await c.send(rewrite(fixture('commands_in_reply.eml')), REPLY_ADDRESS);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(c.tracker.notes(noteable)).toHaveLength(2);
    expect(fresh(c.tracker, noteable).state).toBe('opened');
    expect(c.tracker.todos(world.jake).length).toBe(todos + 1);
  });

  row('commands_in_reply.eml, developer, on a merge request: +1 note without <details>, closed', async () => {
    const { noteable } = await scene(c.tracker, world, { mergeRequest: true });
    c.tracker.addMember(world.project, world.jake, 'developer');
    try {
      const delivered = await c.send(rewrite(fixture('commands_in_reply.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(2);
      expect(notes[1].body).toContain('Cool!');
      expect(notes[1].body).not.toContain('<details>');
      expect(fresh(c.tracker, noteable).state).toBe('closed');
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('commands_only_reply.eml (/close /todo): no new note', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.addMember(world.project, world.jake, 'developer');
    try {
      const delivered = await c.send(rewrite(fixture('commands_only_reply.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(c.tracker.notes(noteable)).toHaveLength(1);
      expect(fresh(c.tracker, noteable).state).toBe('closed');
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('no_content_with_quote.eml: EmptyEmailError, notice can retry (Reply-To the reply address)', async () => {
    const { noteable } = await scene(c.tracker, world);
    const delivered = await c.send(rewrite(fixture('no_content_with_quote.eml')), REPLY_ADDRESS);
    expectRejected(delivered, 'EmptyEmailError', true, REPLY_ADDRESS);
    expect(c.tracker.notes(noteable)).toHaveLength(1);
  });

  for (const name of [
    'reply_without_subaddressing_and_key_inside_references.eml',
    'reply_without_subaddressing_and_key_inside_references_with_a_comma.eml',
  ]) {
    row(`${name} (dedicated address, key in References): +1 note`, async () => {
      const { noteable } = await scene(dedicated.tracker, dedicatedWorld);
      const raw = rewrite(fixture(name)).replace(/reply@appmail\.adventuretime\.ooo/g, DEDICATED_ADDRESS);
      const delivered = await dedicated.send(raw, DEDICATED_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(delivered.entry.keySource).toBe('references');
      const notes = dedicated.tracker.notes(noteable);
      expect(notes).toHaveLength(2);
      expect(notes[1].body).toContain('I could not disagree more.');
    });
  }

  row('commands_in_reply.eml to the Support Bot: +1 note with external_author jake@adventuretime.ooo', async () => {
    c.tracker.configureServiceDesk(world.project, { enabled: true });
    try {
      const { noteable } = await scene(c.tracker, world, { recipient: c.tracker.supportBot(), byBot: true });
      const delivered = await c.send(rewrite(fixture('commands_in_reply.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(2);
      expect(notes[1].authorId).toBe(c.tracker.supportBot().id);
      expect(notes[1].externalAuthor).toBe('jake@adventuretime.ooo');
    } finally {
      c.tracker.configureServiceDesk(world.project, { enabled: false });
    }
  });

  row('valid_reply_with_quick_actions.eml on a Service Desk issue: +1 note, commands shown not run', async () => {
    c.tracker.configureServiceDesk(world.project, { enabled: true });
    try {
      const { noteable } = await scene(c.tracker, world, { recipient: c.tracker.supportBot(), byBot: true });
      const delivered = await c.send(rewrite(fixture('valid_reply_with_quick_actions.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(2);
      expect(notes[1].body).toContain('Jake out\n\n`/close`\n`/title test`');
      const issue = c.tracker.issueById(noteable.id)!;
      expect(issue.title).toBe('service desk issue');
      expect(issue.state).toBe('opened');
    } finally {
      c.tracker.configureServiceDesk(world.project, { enabled: false });
    }
  });

  row(
    'valid_reply_with_quick_actions.eml on a Service Desk issue, Service Desk disabled: ProjectNotFound',
    async () => {
      const { noteable } = await scene(c.tracker, world, { recipient: c.tracker.supportBot(), byBot: true });
      const delivered = await c.send(rewrite(fixture('valid_reply_with_quick_actions.eml')), REPLY_ADDRESS);
      expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'ProjectNotFound' });
      expect(c.tracker.notes(noteable)).toHaveLength(1);
    },
  );

  row('reply to a closed confidential ticket by the Support Bot, reopen setting on: +2 notes, reopened', async () => {
    c.tracker.configureServiceDesk(world.project, { enabled: true, reopenIssueOnExternalParticipantNote: true });
    try {
      const { noteable } = await scene(c.tracker, world, {
        recipient: c.tracker.supportBot(),
        byBot: true,
        confidential: true,
      });
      c.tracker.setState(noteable, 'closed');
      const delivered = await c.send(validReply(), REPLY_ADDRESS);
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(3);
      const reopenNote = notes[2];
      expect(reopenNote.internal).toBe(true);
      expect(reopenNote.authorId).toBe(c.tracker.supportBot().id);
      expect(reopenNote.body).toContain(
        'This issue has been reopened because it received a new comment from an external participant.',
      );
      expect(c.tracker.issueById(noteable.id)!.state).toBe('opened');
    } finally {
      c.tracker.configureServiceDesk(world.project, { enabled: false, reopenIssueOnExternalParticipantNote: false });
    }
  });

  row(
    'reply to a closed confidential ticket by the Support Bot, reopen setting off: +1 note, stays closed',
    async () => {
      c.tracker.configureServiceDesk(world.project, { enabled: true });
      try {
        const { noteable } = await scene(c.tracker, world, {
          recipient: c.tracker.supportBot(),
          byBot: true,
          confidential: true,
        });
        c.tracker.setState(noteable, 'closed');
        const delivered = await c.send(validReply(), REPLY_ADDRESS);
        expect(delivered.entry.outcome?.state).toBe('done');
        expect(c.tracker.notes(noteable)).toHaveLength(2);
        expect(c.tracker.issueById(noteable.id)!.state).toBe('closed');
      } finally {
        c.tracker.configureServiceDesk(world.project, { enabled: false });
      }
    },
  );
});

describe('Unsubscribe (UnsubscribeHandler)', () => {
  const row = conformanceTable('unsubscribe');
  const unsubscribeMail = (suffix: string) =>
    rewrite(fixture('valid_reply.eml').replaceAll(MAIL_KEY, `${MAIL_KEY}${suffix}`));

  row('valid_reply.eml to <key>-unsubscribe: a subscribed recipient is unsubscribed', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.subscribe(world.jake, noteable);
    const delivered = await c.send(unsubscribeMail('-unsubscribe'), `incoming+${MAIL_KEY}-unsubscribe@${HOST}`);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.handler).toBe('UnsubscribeHandler');
    expect(c.tracker.subscription(world.jake, noteable)).toBe(false);
    expect(c.tracker.notes(noteable)).toHaveLength(1);
  });

  row('valid_reply.eml to <key>-unsubscribe: an unsubscribed recipient stays unsubscribed', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.unsubscribe(world.jake, noteable);
    const delivered = await c.send(unsubscribeMail('-unsubscribe'), `incoming+${MAIL_KEY}-unsubscribe@${HOST}`);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(c.tracker.subscription(world.jake, noteable)).toBe(false);
  });

  row('valid_reply.eml to <key>+unsubscribe (legacy suffix): unsubscribed', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.subscribe(world.jake, noteable);
    const delivered = await c.send(unsubscribeMail('+unsubscribe'), `incoming+${MAIL_KEY}+unsubscribe@${HOST}`);
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.handler).toBe('UnsubscribeHandler');
    expect(c.tracker.subscription(world.jake, noteable)).toBe(false);
  });

  row('noteable deleted: NoteableNotFoundError', async () => {
    const { noteable } = await scene(c.tracker, world);
    c.tracker.deleteIssue(noteable);
    const delivered = await c.send(unsubscribeMail('-unsubscribe'), `incoming+${MAIL_KEY}-unsubscribe@${HOST}`);
    expectRejected(delivered, 'NoteableNotFoundError', false);
  });

  row('wrong_mail_key (synthesised) to <unknown>-unsubscribe: SentNotificationNotFoundError', async () => {
    await scene(c.tracker, world);
    const raw = rewrite(fixture('valid_reply.eml').replaceAll(MAIL_KEY, `${UNKNOWN_KEY}-unsubscribe`));
    const delivered = await c.send(raw, `incoming+${UNKNOWN_KEY}-unsubscribe@${HOST}`);
    expectRejected(delivered, 'SentNotificationNotFoundError', false);
  });
});

describe('Comment on issuable by email (CreateNoteOnIssuableHandler)', () => {
  const row = conformanceTable('note-on-issuable');

  async function issue(confidential = false): Promise<Noteable> {
    const created = must(
      c.tracker.createIssue({
        project: world.project,
        author: world.author,
        title: 'An issue',
        description: '',
        confidential,
      }),
    );
    return issueAsNoteable(c.tracker.issueById(created.id)!);
  }
  const addressOf = (iid: number, token = 'auth_token') =>
    `incoming+gitlabhq-gitlabhq-${world.project.id}-${token}-issue-${iid}@${HOST}`;
  const mail = (noteable: Noteable) =>
    rewrite(fixture('valid_note_on_issuable.eml'), { projectId: world.project.id, issueIid: noteable.iid });

  row('valid_note_on_issuable.eml: a comment by jake, quote kept', async () => {
    const noteable = await issue();
    const delivered = await c.send(mail(noteable), addressOf(noteable.iid));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(delivered.entry.handler).toBe('CreateNoteOnIssuableHandler');
    const notes = c.tracker.notes(noteable);
    expect(notes).toHaveLength(1);
    expect(notes[0].authorId).toBe(world.jake.id);
    expect(notes[0].body).toContain('This should create a new comment on the issue.');
    expect(notes[0].body).toContain('Jake out');
    expect(notes[0].body).toContain('> This quoted content will be included in the comment.');
  });

  row('valid_note_on_issuable.eml, key removed (dedicated address): UnknownIncomingEmail', async () => {
    const raw = rewrite(
      fixture('valid_note_on_issuable.eml').replace('gitlabhq-gitlabhq-project_id-auth_token-issue-issue_iid', ''),
    );
    const delivered = await dedicated.send(raw, DEDICATED_ADDRESS);
    expectRejected(delivered, 'UnknownIncomingEmail', false);
  });

  row('valid_note_on_issuable.eml on a confidential issue, jake a reporter: a comment', async () => {
    const noteable = await issue(true);
    c.tracker.addMember(world.project, world.jake, 'reporter');
    try {
      const delivered = await c.send(mail(noteable), addressOf(noteable.iid));
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(c.tracker.notes(noteable)).toHaveLength(1);
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('valid_note_on_issuable.eml on a confidential issue, jake without access: UserNotAuthorizedError', async () => {
    const noteable = await issue(true);
    const delivered = await c.send(mail(noteable), addressOf(noteable.iid));
    expectRejected(delivered, 'UserNotAuthorizedError', false);
    expect(c.tracker.notes(noteable)).toHaveLength(0);
  });

  row(
    'a quote-only reply (no_content_with_quote.eml, standing in for the absent no_content_reply.eml) is accepted',
    async () => {
      const noteable = await issue();
      const raw = setHeader(rewrite(fixture('no_content_with_quote.eml')), 'To', addressOf(noteable.iid));
      const delivered = await c.send(raw, addressOf(noteable.iid));
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(1);
      expect(notes[0].body).toContain('> quote line 1');
    },
  );

  row('commands_in_reply.eml to the issue address, jake a developer: quick actions run, not kept as text', async () => {
    const noteable = await issue();
    c.tracker.addMember(world.project, world.jake, 'developer');
    try {
      const raw = setHeader(rewrite(fixture('commands_in_reply.eml')), 'To', addressOf(noteable.iid));
      const delivered = await c.send(raw, addressOf(noteable.iid));
      expect(delivered.entry.outcome?.state).toBe('done');
      const notes = c.tracker.notes(noteable);
      expect(notes).toHaveLength(1);
      expect(notes[0].body).toContain('Cool!');
      expect(notes[0].body).not.toContain('`/close`');
      expect(c.tracker.issueById(noteable.id)!.state).toBe('closed');
    } finally {
      c.tracker.removeMember(world.project, world.jake);
    }
  });

  row('valid_note_on_issuable.eml to an iid with no issue: NoteableNotFoundError', async () => {
    const raw = rewrite(fixture('valid_note_on_issuable.eml'), { projectId: world.project.id, issueIid: 9999 });
    const delivered = await c.send(raw, addressOf(9999));
    expectRejected(delivered, 'NoteableNotFoundError', false);
  });

  row('valid_note_on_issuable.eml with an unknown token: UserNotFoundError', async () => {
    const noteable = await issue();
    const raw = rewrite(fixture('valid_note_on_issuable.eml').replace('auth_token', 'bad_token'), {
      projectId: world.project.id,
      issueIid: noteable.iid,
    });
    const delivered = await c.send(raw, addressOf(noteable.iid, 'bad_token'));
    expectRejected(delivered, 'UserNotFoundError', false);
  });
});
