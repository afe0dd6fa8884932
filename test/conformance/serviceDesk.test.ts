// GitLab's ServiceDeskHandler spec (and the Service Desk receiver's custom-address rows), row by
// row, through the SMTP front of a running Postroom (see /work/shared/corpora/gitlab/EXPECTED.md).
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import type { IssueRecord } from '../../src/tracker/index.js';
import {
  conformanceTable,
  fixture,
  HOST,
  must,
  reportConformance,
  rewrite,
  startConformance,
  type Conformance,
} from './harness.js';
import { waitFor } from '../helpers/waitFor.js';

const ORIGINAL_MESSAGE_ID = 'CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=otppgzduJSg@mail.gmail.com';
const SERVICE_DESK_DESCRIPTION =
  'Service desk stuff!\n\n```\na = b\n```\n\n`/label ~label1`\n`/assign @user1`\n`/close`';

reportConformance();

let c: Conformance;
let project: Project;

async function serviceDeskProject(
  fullPath: string,
  settings: Parameters<Conformance['tracker']['configureServiceDesk']>[1] = {},
): Promise<Project> {
  const created = must(await c.tracker.createProject({ fullPath, visibility: 'public' }));
  must(c.tracker.configureServiceDesk(created, { enabled: true, ...settings }));
  return c.tracker.projectById(created.id)!;
}

beforeAll(async () => {
  c = await startConformance();
  must(c.tracker.createUser({ username: 'jake', email: 'jake@adventuretime.ooo', incomingEmailToken: 'auth_token' }));
  project = await serviceDeskProject('email/test', { projectKey: 'mykey' });
});
afterAll(async () => {
  await c?.stop();
});

const addressOf = (p: Project) => `incoming+${p.slug}-${p.id}-issue-@${HOST}`;
/** The fixture aimed at `p`: its `email-test-project_id` key becomes p's slug and id. */
const mailFor = (name: string, p: Project) =>
  rewrite(fixture(name).replace(/email-test-project_id/g, `${p.slug}-${p.id}`), {
    projectId: p.id,
    projectSlug: p.slug,
  });
const issuesOf = (p: Project) => c.tracker.issues(p).sort((a, b) => a.iid - b.iid);
const latest = (p: Project) => issuesOf(p).at(-1)!;
/** The thank-you counts as sent once the relay said 250, a moment after the ticket's commit. */
const thanked = (issue: IssueRecord) =>
  waitFor(
    () =>
      (
        c.tracker.db.prepare('SELECT thank_you_sent FROM issues WHERE id = ?').get(issue.id) as {
          thank_you_sent: number;
        }
      ).thank_you_sent === 1,
    5000,
    `the thank-you for ticket ${issue.iid} sent`,
  );
/** GitLab's specs stub the upload that appends this; the fixtures carry no attachment. */
const withoutUploadStub = (text: string) => text.replace(/\n*!\[image\]\(uploads\/image\.png\)$/, '');

describe('Service Desk (ServiceDeskHandler)', () => {
  const row = conformanceTable('service-desk');

  row(
    'service_desk.eml: a confidential ticket by the Support Bot, text kept, commands inert, one participant, thank-you',
    async () => {
      const before = issuesOf(project).length;
      const delivered = await c.send(mailFor('service_desk.eml', project), addressOf(project), { keepMessageId: true });
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(delivered.entry.handler).toBe('ServiceDeskHandler');
      expect(issuesOf(project)).toHaveLength(before + 1);
      const issue = latest(project);
      expect(issue.authorId).toBe(c.tracker.supportBot().id);
      expect(issue.confidential).toBe(true);
      expect(issue.title).toBe('The message subject! @all');
      expect(withoutUploadStub(issue.description)).toBe(SERVICE_DESK_DESCRIPTION);
      expect(issue.state).toBe('opened');
      expect(issue.labels).toEqual([]);
      expect(c.tracker.ticketByMessageId(project, `<${ORIGINAL_MESSAGE_ID}>`)?.id).toBe(issue.id);
      expect(c.tracker.emailParticipants(issue)).toEqual(['jake@adventuretime.ooo']);
      expect(issue.externalAuthor).toBe('jake@adventuretime.ooo');
      await thanked(issue);
    },
  );

  row(
    'service_desk_reply.eml after service_desk.eml: no new ticket, a Support Bot note, no thank-you; alan, a stranger to the ticket, joins nothing (Postroom’s rule)',
    async () => {
      const ticket = c.tracker.ticketByMessageId(project, `<${ORIGINAL_MESSAGE_ID}>`)!;
      const before = issuesOf(project).length;
      const delivered = await c.send(mailFor('service_desk_reply.eml', project), addressOf(project), {
        keepMessageId: true,
      });
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(issuesOf(project)).toHaveLength(before);
      const notes = c.tracker.notes({ type: 'Issue', id: ticket.id });
      expect(notes).toHaveLength(1);
      expect(notes[0].authorId).toBe(c.tracker.supportBot().id);
      // GitLab makes anyone who knows the ticket's Message-ID a participant; Postroom keeps the
      // reply as an internal note marked unverified (see NOT_APPLICABLE.md).
      expect(withoutUploadStub(notes[0].body)).toBe(
        '**Unverified sender** alan@adventuretime.ooo (not a participant of this ticket): not added to the ticket and not sent replies.\n\nService desk reply!\n\n`/label ~label2`',
      );
      expect(notes[0].internal).toBe(true);
      expect(c.tracker.emailParticipants(ticket)).toEqual(['jake@adventuretime.ooo']);
    },
  );

  row('service_desk_reply.eml without the original ticket: a new ticket, alan its participant', async () => {
    const other = await serviceDeskProject('email/reply-first');
    const delivered = await c.send(mailFor('service_desk_reply.eml', other), addressOf(other));
    expect(delivered.entry.outcome?.state).toBe('done');
    const issue = latest(other);
    expect(withoutUploadStub(issue.description)).toBe('Service desk reply!\n\n`/label ~label2`');
    expect(c.tracker.emailParticipants(issue)).toEqual(['alan@adventuretime.ooo']);
    await thanked(issue);
  });

  row('service_desk.eml with add_external_participants_from_cc: From and both Cc are participants', async () => {
    const other = await serviceDeskProject('email/with-cc', { addExternalParticipantsFromCc: true });
    const delivered = await c.send(mailFor('service_desk.eml', other), addressOf(other));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(c.tracker.emailParticipants(latest(other)).sort()).toEqual([
      'cc@example.com',
      'jake@adventuretime.ooo',
      'kk@example.org',
    ]);
  });

  row('service_desk_encoding.eml: iso-8859-2 subject and body decoded', async () => {
    const delivered = await c.send(mailFor('service_desk_encoding.eml', project), addressOf(project));
    expect(delivered.entry.outcome?.state).toBe('done');
    const issue = latest(project);
    expect(issue.title).toBe('Testing encoding iso-8859-2 ťžščľžťťč');
    expect(withoutUploadStub(issue.description)).toBe('Body of encoding iso-8859-2 test: ťžščľžťťč');
  });

  row('service_desk_legacy.eml (incoming+email/test@): the same ticket as service_desk.eml', async () => {
    const legacy = `incoming+email/test@${HOST}`;
    const delivered = await c.send(mailFor('service_desk_legacy.eml', project), legacy);
    expect(delivered.entry.outcome?.state).toBe('done');
    const issue = latest(project);
    expect(issue).toMatchObject({
      authorId: c.tracker.supportBot().id,
      confidential: true,
      title: 'The message subject! @all',
    });
    expect(withoutUploadStub(issue.description)).toBe(SERVICE_DESK_DESCRIPTION);
  });

  row('service_desk_all_quoted.eml: a body of quotes only is kept', async () => {
    const delivered = await c.send(mailFor('service_desk_all_quoted.eml', project), addressOf(project));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(latest(project).description).toContain('> This is an empty quote');
  });

  row(
    'service_desk_custom_address.eml (contact+email-test-mykey@): a ticket in the project with key mykey',
    async () => {
      const before = issuesOf(project).length;
      const delivered = await c.send(
        mailFor('service_desk_custom_address.eml', project),
        `contact+email-test-mykey@${HOST}`,
      );
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(issuesOf(project)).toHaveLength(before + 1);
      expect(latest(project).title).toBe('The message subject! @all');
    },
  );

  row('service_desk_custom_address.eml with an unknown key: ProjectNotFound', async () => {
    const raw = mailFor('service_desk_custom_address.eml', project).replace('email-test-mykey', 'email-test-nokey');
    const delivered = await c.send(raw, `contact+email-test-nokey@${HOST}`);
    expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'ProjectNotFound' });
  });

  row('service_desk_custom_address.eml with the key but a wrong slug: ProjectNotFound', async () => {
    const raw = mailFor('service_desk_custom_address.eml', project).replace('email-test-mykey', 'email-other-mykey');
    const delivered = await c.send(raw, `contact+email-other-mykey@${HOST}`);
    expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'ProjectNotFound' });
  });

  row('service_desk_custom_address.eml, two projects with key mykey: the one whose slug matches', async () => {
    const twin = await serviceDeskProject('email/twin', { projectKey: 'mykey' });
    const before = issuesOf(project).length;
    const delivered = await c.send(
      mailFor('service_desk_custom_address.eml', twin).replace('email-test-mykey', 'email-twin-mykey'),
      `contact+email-twin-mykey@${HOST}`,
    );
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(issuesOf(twin)).toHaveLength(1);
    expect(issuesOf(project)).toHaveLength(before);
  });

  row('service_desk_custom_address_no_key.eml (contact+email-test-<id>-issue-@): a ticket', async () => {
    const before = issuesOf(project).length;
    const delivered = await c.send(
      mailFor('service_desk_custom_address_no_key.eml', project),
      `contact+${project.slug}-${project.id}-issue-@${HOST}`,
    );
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(issuesOf(project)).toHaveLength(before + 1);
  });

  for (const name of [
    'service_desk_custom_address_reply.eml',
    'service_desk_custom_address_envelope_to.eml',
    'service_desk_custom_address_x_envelope_to.eml',
  ]) {
    row(`${name} (to the custom address): handled by Service Desk in email/test`, async () => {
      const ticket = c.tracker.ticketByMessageId(project, `<${ORIGINAL_MESSAGE_ID}>`)!;
      const notes = c.tracker.notes({ type: 'Issue', id: ticket.id }).length;
      const delivered = await c.send(mailFor(name, project), `contact+email-test-mykey@${HOST}`);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(delivered.entry.handler).toBe('ServiceDeskHandler');
      // Each answers the service_desk.eml ticket (In-Reply-To its Message-ID): a note on it.
      expect(c.tracker.notes({ type: 'Issue', id: ticket.id })).toHaveLength(notes + 1);
    });
  }

  row('service_desk_forwarded.eml: a ticket, participant jake.g, its own Message-ID kept', async () => {
    const delivered = await c.send(mailFor('service_desk_forwarded.eml', project), addressOf(project), {
      keepMessageId: true,
    });
    expect(delivered.entry.outcome?.state).toBe('done');
    const issue = latest(project);
    expect(c.tracker.emailParticipants(issue)).toEqual(['jake.g@adventuretime.ooo']);
    expect(
      c.tracker.ticketByMessageId(project, '<CADkmRc+rNGAGGbV2iE5p918UVy4UyJqVcXRO2=fdskbsf@mail.gmail.com>')?.id,
    ).toBe(issue.id);
  });

  row('service_desk_forwarded_new_issue.eml: the forwarded message is the description', async () => {
    const delivered = await c.send(mailFor('service_desk_forwarded_new_issue.eml', project), addressOf(project));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(withoutUploadStub(latest(project).description)).toBe(
      'Service desk stuff!\n\n---------- Forwarded message ---------\nFrom: Jake the Dog <jake@adventuretime.ooo>\nTo: <jake@adventuretime.ooo>\n\n\nforwarded content',
    );
  });

  row('service_desk_sender_and_from.eml: the external author is From, not Sender', async () => {
    const delivered = await c.send(mailFor('service_desk_sender_and_from.eml', project), addressOf(project));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(latest(project).externalAuthor).toBe('finn@adventuretime.ooo');
  });

  row('service_desk_reply_to_and_from.eml (newest code): Reply-To is the participant address', async () => {
    const delivered = await c.send(mailFor('service_desk_reply_to_and_from.eml', project), addressOf(project));
    expect(delivered.entry.outcome?.state).toBe('done');
    expect(c.tracker.emailParticipants(latest(project))).toEqual(['marceline@adventuretime.ooo']);
  });

  row('service_desk.eml, Service Desk disabled: ProjectNotFound, no ticket', async () => {
    const off = await serviceDeskProject('email/disabled');
    must(c.tracker.configureServiceDesk(off, { enabled: false }));
    const delivered = await c.send(mailFor('service_desk.eml', off), addressOf(off));
    expect(delivered.entry.outcome).toMatchObject({ state: 'rejected', error: 'ProjectNotFound' });
    expect(issuesOf(off)).toHaveLength(0);
  });
});
