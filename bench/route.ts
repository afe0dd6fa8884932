import { compileTemplate } from '../src/address/index.js';
import type { Noteable, Project, SentNotification, Sink, User } from '../src/handlers/index.js';
import { simpleParser } from 'mailparser';
import type { ReplyConfig } from '../src/config/index.js';
import { mailTextOf } from '../src/receiver/mailText.js';
import { htmlNodesWithin } from '../src/reply/index.js';
import { receive, type ReceiverDeps } from '../src/receiver/receiver.js';

// Issue #3's figure: parse + trim + route of a realistic 20 KB multipart reply, no sink I/O, one core;
// once per trimming mode, and mailparser's simpleParser alone on the same message as a yardstick.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const KEY = 'b7-0123456789abcdefghijklmno';

const user: User = {
  id: 1,
  username: 'jake',
  name: 'Jake',
  email: 'jake@example.com',
  blocked: false,
  isSupportBot: false,
};
const project: Project = {
  id: 1,
  fullPath: 'treehouse/adventure',
  slug: 'treehouse-adventure',
  name: 'Adventure',
  serviceDesk: {
    enabled: false,
    projectKey: null,
    ticketsConfidentialByDefault: true,
    addExternalParticipantsFromCc: false,
    reopenIssueOnExternalParticipantNote: false,
    addAlignedRepliersAsParticipants: false,
  },
};
const issue: Noteable = {
  type: 'Issue',
  id: 1,
  iid: 1,
  projectId: 1,
  title: 'Ice king',
  state: 'opened',
  confidential: false,
};
const notification: SentNotification = {
  replyKey: KEY,
  recipient: user,
  project,
  noteable: issue,
  discussionId: 'd1',
  unsubscribable: true,
};

/** Answers from memory: the figure is the receiver's own cost, not a database's. */
const memorySink: Sink = {
  sentNotification: async () => notification,
  userByIncomingEmailToken: async () => user,
  isVerifiedEmail: async () => true,
  projectById: async () => project,
  projectByFullPath: async () => project,
  projectByServiceDeskKey: async () => [project],
  can: async () => true,
  issueByIid: async () => issue,
  ticketByMessageId: async () => null,
  isTicketParticipant: async () => true,
  supportBot: async () => ({ ...user, id: 2, isSupportBot: true }),
  upload: async () => null,
  createNote: async () => ({ saved: true, record: { id: 1, noteableId: 1, commandsOnly: false } }),
  createIssue: async () => ({ saved: true, record: { id: 1, iid: 1 } }),
  createMergeRequest: async () => ({ saved: true, record: { id: 1, iid: 1 } }),
  unsubscribe: async () => undefined,
  addEmailParticipants: async () => undefined,
  reopen: async () => undefined,
  sendServiceDeskThankYou: async () => undefined,
};

/** A reply as mail clients send it: a short answer over a long quoted thread, in text and HTML. */
function realisticReply(): Buffer {
  const quoted = Array.from(
    { length: 105 },
    (_, i) => `> Line ${i} of the earlier discussion about the ice king and the princess, with some detail.`,
  ).join('\r\n');
  const text = `Sounds good, I'll take the sword and meet you at the treehouse.\r\n\r\nFinn\r\n\r\nOn Tue, 24 Nov 2026 at 10:00, Jake <jake@example.com> wrote:\r\n${quoted}\r\n`;
  const html = `<div dir="ltr">Sounds good, I'll take the <b>sword</b> and meet you at the treehouse.<br><br>Finn</div><br><div class="gmail_quote">On Tue, 24 Nov 2026 at 10:00, Jake wrote:<blockquote>${quoted.replace(/\r\n/g, '<br>')}</blockquote></div>`;
  const raw = [
    'Received: from mail.example.com ([192.0.2.1]) by postroom.test with ESMTPS id a1; Tue, 24 Nov 2026 10:05:00 +0000',
    'From: Finn <finn@example.com>',
    `To: incoming+${KEY}@postroom.test`,
    'Subject: Re: The ice king stole the princess',
    'Message-ID: <reply-bench@example.com>',
    `In-Reply-To: <note_1@postroom.test>`,
    `References: <reply-${KEY}@postroom.test> <issue_1@postroom.test>`,
    'Date: Tue, 24 Nov 2026 10:05:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    text,
    '--b1',
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    html,
    '--b1--',
    '',
  ].join('\r\n');
  return Buffer.from(raw);
}

/** Calls per second of `run`, after a warm-up, for SECONDS. */
async function rate(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await run();
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    await run();
    count++;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function depsFor(reading: ReplyConfig): ReceiverDeps {
  return {
    templates: {
      incoming: compileTemplate('incoming+%{key}@postroom.test'),
      serviceDesk: compileTemplate('contact+%{key}@postroom.test'),
      gitlabHost: 'postroom.test',
    },
    sink: memorySink,
    // The node bound of the default worker.heap_limit (256MB), as routing runs it.
    textOf: (mail) => mailTextOf(mail, reading, htmlNodesWithin(256 * 1024 * 1024)),
    isOwnAddress: () => false,
    isKnownSender: async () => true,
    alreadyDone: () => undefined,
    senderPolicy: { identity: 'author', require: 'not_failed' },
  };
}

async function main(): Promise<void> {
  const raw = realisticReply();
  const size = `${(raw.length / 1024).toFixed(1)} KB multipart reply`;
  const delivery = { raw, envelopeSender: 'finn@example.com', envelopeRecipients: [`incoming+${KEY}@postroom.test`] };
  for (const trimming of ['gitlab', 'postroom'] as const) {
    const deps = depsFor({ trimming, budgetMs: 10_000 });
    const check = await receive(delivery, deps);
    if (check.kind !== 'done') throw new Error(`the benchmark message did not route: ${JSON.stringify(check)}`);
    const perSecond = await rate(() => receive(delivery, deps));
    console.log(
      `route_20k_reply_msgs_per_sec{trimming="${trimming}"} ${perSecond.toFixed(0)} (${size}, parse + trim + route, one thread)`,
    );
  }
  const parsed = await rate(() => simpleParser(raw));
  console.log(`mailparser_simple_parser_msgs_per_sec ${parsed.toFixed(0)} (${size}, simpleParser alone)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
