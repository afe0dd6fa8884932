import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { automaticMail } from '../../src/receiver/automatic.js';
import { readMail } from '../../src/receiver/mail.js';

const GITLAB = 'test/fixtures/gitlab/fixtures';
// GitLab ignores exactly this one of its fixtures (X-Autoreply: yes); it processes every other.
const GITLAB_IGNORES = new Set(['auto_reply.eml']);
const SISIMAI_NOT_BOUNCES = 'test/fixtures/sisimai/maildir/not';

async function mail(raw: string) {
  const read = await readMail(Buffer.from(raw, 'latin1'));
  if (!read.ok) throw new Error(`did not parse: ${read.error.name}`);
  return read.mail;
}

const plain = (from: string, extra = '') =>
  `From: ${from}\r\nTo: incoming+key@postroom.test\r\nSubject: Printer on floor 3\r\nMessage-ID: <m@example.com>\r\n${extra}\r\nThe printer is jammed again.\r\n`;

/** The envelope an ordinary sender gives over SMTP (its own address), and none (a mailbox). */
const envelopes = (sender: string | undefined) => [sender ?? 'someone@example.com', undefined];

describe("a person's mail is never ignored as automatic", () => {
  const fixtures = readdirSync(GITLAB).filter((name) => !GITLAB_IGNORES.has(name));

  it(`none of the ${fixtures.length} GitLab fixtures that GitLab processes is ignored`, async () => {
    expect(fixtures.length).toBeGreaterThan(60);
    for (const name of fixtures) {
      const received = await mail(readFileSync(`${GITLAB}/${name}`, 'latin1'));
      for (const envelope of envelopes(received.from[0])) {
        expect(automaticMail(received, envelope), `${name} (envelope ${envelope})`).toBeNull();
      }
    }
  });

  it('role-like mailboxes are people too: it-admin, noreply-team, postmaster-backup, support-request, jane-owner', async () => {
    for (const from of [
      'IT Admin <it-admin@example.com>',
      'noreply-team@example.com',
      'postmaster-backup@example.com',
      'support-request@example.com',
      'Jane <jane-owner@example.com>',
      'owner-jane@example.com',
      'list-bounces-person@example.com',
    ]) {
      const received = await mail(plain(from));
      for (const envelope of envelopes(received.from[0])) {
        expect(automaticMail(received, envelope), `${from} (envelope ${envelope})`).toBeNull();
      }
    }
  });

  it('soft hints alone do not make mail automatic: Precedence, X-Auto-Response-Suppress, X-Loop, Auto-Submitted: no', async () => {
    for (const header of [
      'Precedence: list',
      'Precedence: bulk',
      'X-Auto-Response-Suppress: All',
      'X-Auto-Response-Suppress: DR, OOF, AutoReply',
      'X-Loop: team@lists.example.org',
      'Auto-Submitted: no',
      'List-Id: <team.lists.example.org>',
    ]) {
      const received = await mail(plain('Finn <finn@example.com>', `${header}\r\n`));
      for (const envelope of envelopes('finn@example.com')) {
        expect(automaticMail(received, envelope), `${header} (envelope ${envelope})`).toBeNull();
      }
    }
  });

  it('a person forwarding a message (or a bounce) as an attachment, with words of their own, is a person', async () => {
    for (const name of readdirSync(SISIMAI_NOT_BOUNCES).filter((n) => n.startsWith('is-not-bounce'))) {
      const received = await mail(readFileSync(`${SISIMAI_NOT_BOUNCES}/${name}`, 'latin1'));
      expect(automaticMail(received, received.from[0]), name).toBeNull();
    }
    const forwardedBounce = [
      'From: Finn <finn@example.com>',
      'To: incoming+key@postroom.test',
      'Subject: Fwd: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Why did this bounce?',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'From: MAILER-DAEMON@mx.example.net',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b2"',
      '',
      '--b2',
      'Content-Type: message/delivery-status',
      '',
      'Action: failed',
      '--b2--',
      '--b1--',
      '',
    ].join('\r\n');
    expect(automaticMail(await mail(forwardedBounce), 'finn@example.com')).toBeNull();
  });
});

describe('what is machine-made beyond doubt is ignored', () => {
  it("GitLab's two header rules", async () => {
    expect(
      automaticMail(await mail(plain('a@example.com', 'Auto-Submitted: auto-replied\r\n')), 'a@example.com'),
    ).toEqual({ gitlabRule: true, reason: 'Auto-Submitted: auto-replied' });
    expect(automaticMail(await mail(plain('a@example.com', 'X-Autoreply: yes\r\n')), 'a@example.com')).toMatchObject({
      gitlabRule: true,
    });
  });

  it('the null sender: MAIL FROM:<>, Return-Path <> or <MAILER-DAEMON>, From: MAILER-DAEMON <>', async () => {
    const human = await mail(plain('finn@example.com'));
    expect(automaticMail(human, '')).toMatchObject({ reason: 'null envelope sender (MAIL FROM:<>)' });
    for (const extra of ['Return-Path: <>\r\n', 'Return-Path: <MAILER-DAEMON>\r\n']) {
      expect(automaticMail(await mail(plain('finn@example.com', extra)), undefined), extra).toMatchObject({
        gitlabRule: false,
        reason: expect.stringMatching(/^null sender/),
      });
    }
    expect(automaticMail(await mail(plain('MAILER-DAEMON <>')), undefined)).toMatchObject({
      reason: 'null sender (From: MAILER-DAEMON <>)',
    });
  });

  it('reports: multipart/report, and multipart/mixed with a feedback report or nothing but forwarded messages', async () => {
    const multipart = (type: string, parts: string[]) =>
      [
        'From: staff@hotmail.com',
        'To: abuse@example.com',
        `Content-Type: ${type}; boundary="b"`,
        '',
        ...parts.flatMap((part) => ['--b', `Content-Type: ${part}`, '', 'x']),
        '--b--',
        '',
      ].join('\r\n');
    const cases: [string, string[], string][] = [
      ['multipart/report', ['text/plain', 'message/delivery-status'], 'multipart/report'],
      ['multipart/mixed', ['text/plain', 'message/feedback-report', 'message/rfc822'], 'message/feedback-report'],
      ['multipart/mixed', ['message/rfc822'], 'holding only message/rfc822'],
    ];
    for (const [type, parts, reason] of cases) {
      expect(automaticMail(await mail(multipart(type, parts)), 'staff@hotmail.com'), reason).toMatchObject({
        reason: expect.stringContaining(reason),
      });
    }
  });
});
