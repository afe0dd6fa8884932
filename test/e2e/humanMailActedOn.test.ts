import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/handlers/sink.js';
import { HOST, must, startConformance, type Conformance } from '../conformance/harness.js';

let c: Conformance;
let project: Project;

beforeAll(async () => {
  c = await startConformance();
  const admin = must(
    c.tracker.createUser({ username: 'admin', email: 'it-admin@example.com', incomingEmailToken: 'auth_token' }),
  );
  project = must(await c.tracker.createProject({ fullPath: 'it/helpdesk', visibility: 'public' }));
  c.tracker.addMember(project, admin, 'developer');
});
afterAll(async () => {
  await c?.stop();
});

const newIssue = (from: string, extra: string, subject: string) =>
  `From: ${from}\nTo: issues@example.com\nSubject: ${subject}\nMessage-ID: <${subject.replace(/\W+/g, '-')}@example.com>\n${extra}\nThe printer on floor 3 is jammed.\n`;

describe("a person's mail to a new-issue address becomes an issue, whatever it looks like", () => {
  const cases: [string, string, string][] = [
    ['IT Admin <it-admin@example.com>', '', 'from it-admin'],
    ['Support <support-request@example.com>', '', 'from support-request'],
    ['Jane <jane-owner@example.com>', '', 'from jane-owner'],
    ['No Reply Team <noreply-team@example.com>', '', 'from noreply-team'],
    ['Backup <postmaster-backup@example.com>', '', 'from postmaster-backup'],
    ['Finn <finn@example.com>', 'Precedence: list\n', 'with Precedence list'],
    ['Finn <finn@example.com>', 'X-Auto-Response-Suppress: All\n', 'with X-Auto-Response-Suppress'],
  ];
  for (const [from, extra, subject] of cases) {
    it(subject, async () => {
      const to = `incoming+${project.slug}-${project.id}-auth_token-issue@${HOST}`;
      const delivered = await c.send(newIssue(from, extra, subject), to);
      expect(delivered.entry.outcome?.state).toBe('done');
      expect(c.tracker.issues(project).map((issue) => issue.title)).toContain(subject);
    });
  }
});
