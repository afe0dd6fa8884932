import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, it } from 'vitest';
import type { Saved } from '../../src/handlers/sink.js';
import type { SpoolEntry } from '../../src/spool/index.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import { startCaptureRelay, type CaptureRelay, type CapturedMail } from '../helpers/captureRelay.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gitlab/fixtures');

/** The reply key GitLab's note specs record as a SentNotification. */
export const MAIL_KEY = '59d8df8370b7e95c5a49fbf86aeb2c93';
/** GitLab's test host (`gitlab.host` in specs) and ours. */
export const HOST = 'postroom.test';
/** The address template of a "dedicated address" setup (no %{key}: only References carry a key). */
export const DEDICATED_ADDRESS = `reply@${HOST}`;

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'latin1');
}

export function must<T>(result: Saved<T>): T {
  if (!result.saved) throw new Error(`not saved: ${result.errors.join(', ')}`);
  return result.record;
}

/**
 * The fixtures' addresses in the test config's terms: GitLab's `reply+%{key}@appmail.adventuretime.ooo`
 * and `incoming+%{key}@appmail.…` become `incoming+%{key}@postroom.test`, the Service Desk alias
 * `support+%{key}@example.com` becomes `contact+%{key}@postroom.test`, our Message-ID host replaces
 * `localhost` in `<reply-KEY@localhost>`, and the placeholders get the world's numbers.
 */
export function rewrite(
  raw: string,
  values: { projectId?: number; issueIid?: number; projectSlug?: string; projectKey?: string } = {},
): string {
  let out = raw
    .replace(/\b(?:reply|incoming)\+([^@\s<>"]*)@appmail\.(?:adventuretime\.ooo|example\.com)/g, `incoming+$1@${HOST}`)
    .replace(/\bsupport\+([^@\s<>"]*)@example\.com/g, `contact+$1@${HOST}`)
    .replace(/<reply-([^@\s<>]*)@localhost>/g, `<reply-$1@${HOST}>`);
  if (values.projectId !== undefined) out = out.replace(/project_id/g, String(values.projectId));
  if (values.issueIid !== undefined) out = out.replace(/issue_iid/g, String(values.issueIid));
  if (values.projectSlug !== undefined) out = out.replace(/project_slug/g, values.projectSlug);
  out = out.replace(/project_key/g, values.projectKey ?? 'mykey');
  return out;
}

/** Replaces (or, with null, removes) the first field of that name; adds it to the head when absent. */
export function setHeader(raw: string, name: string, value: string | null): string {
  const pattern = new RegExp(`^${name}:[^\\n]*(\\n[ \\t][^\\n]*)*\\n`, 'im');
  if (pattern.test(raw)) return raw.replace(pattern, value === null ? '' : `${name}: ${value}\n`);
  return value === null ? raw : `${name}: ${value}\n${raw}`;
}

export function headerOf(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.search(/\n\r?\n/));
  const match = new RegExp(`^${name}:[ \\t]*([^\\n]*(?:\\n[ \\t][^\\n]*)*)`, 'im').exec(head);
  return match?.[1].replace(/\r?\n[ \t]+/g, ' ').trim();
}

export interface Delivered {
  id: number;
  entry: SpoolEntry;
  messageId?: string;
  /** The rejection notice the capture relay received for this message, if any. */
  notice?: CapturedMail;
}

export interface Conformance {
  postroom: TestPostroom;
  /** A second handle on the running Postroom's tracker file, to build the world and read results. */
  tracker: Tracker;
  relay: CaptureRelay;
  /**
   * Sends `raw` over SMTP to `to` (the envelope recipient, tried first by the key search) and waits
   * for the worker's final outcome. Each message gets a unique Message-ID unless `keepMessageId`,
   * since GitLab's examples each run in a fresh database and ours share one per table.
   */
  send(raw: string, to: string, options?: { keepMessageId?: boolean; mailFrom?: string }): Promise<Delivered>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startConformance(options: { incomingAddress?: string } = {}): Promise<Conformance> {
  const relay = await startCaptureRelay();
  const incoming = options.incomingAddress ?? `incoming+%{key}@${HOST}`;
  const postroom = await startTestPostroom(
    '',
    (dir) => `
host: ${HOST}
incoming_email:
  enabled: true
  address: "${incoming}"
service_desk_email:
  enabled: true
  address: "contact+%{key}@${HOST}"
smtp:
  listen: 127.0.0.1:0
  hostname: ${HOST}
  max_message_size: 4MB
  max_recipients: 5
  # GitLab's handler errors (unknown reply key, token…) are what these rows are about; by
  # default Postroom refuses such keys at RCPT TO already (test/smtp/exactRecipients).
  verify_keys: false
store:
  path: ${path.join(dir, 'spool.db')}
tracker:
  path: ${path.join(dir, 'tracker.db')}
outgoing:
  host: 127.0.0.1
  port: ${relay.port}
  start_tls: never
  base_url: https://${HOST}
  notice_limit_per_sender_per_hour: 10000
log:
  level: silent
`,
  );
  const tracker = openTracker(postroom.config.tracker.path);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: postroom.port,
    secure: false,
    ignoreTLS: true,
  });

  return {
    postroom,
    tracker,
    relay,
    async send(raw, to, sendOptions = {}) {
      let message = raw.replace(/\r\n/g, '\n');
      if (!sendOptions.keepMessageId) {
        const tag = `c${++counter}`;
        message = message.replace(/^(Message-I[Dd]:[ \t]*<)([^@>]*)/im, `$1$2.${tag}`);
      }
      const messageId = headerOf(message, 'Message-I[Dd]');
      const from =
        sendOptions.mailFrom ??
        /<?([^\s<>"]+@[^\s<>"]+)>?\s*$/.exec(headerOf(message, 'From') ?? '')?.[1] ??
        'nobody@example.net';
      const info = await transport.sendMail({ envelope: { from, to: [to] }, raw: message.replace(/\n/g, '\r\n') });
      const id = Number(/queued as (\d+)/.exec(info.response)?.[1]);
      const final = () => {
        const state = postroom.spool.get(id)?.state;
        return state !== undefined && state !== 'queued' && state !== 'processing' && state !== 'retry';
      };
      await waitFor(final, 10_000, `message ${id} processed`);
      const entry = postroom.spool.get(id) as SpoolEntry;
      let notice: CapturedMail | undefined;
      if (entry.outcome?.state === 'rejected' && entry.outcome.notice.startsWith('queued ')) {
        const mine = () => relay.messages.find((mail) => mail.header('In-Reply-To') === messageId);
        await waitFor(() => mine() !== undefined, 5000, `the notice for ${messageId}`);
        notice = mine();
      }
      return { id, entry, messageId, notice };
    },
    async stop() {
      transport.close();
      tracker.close();
      await postroom.cleanup();
      await relay.close();
    },
  };
}

/** The error name on a rejected outcome (undefined otherwise). */
export const errorOf = (delivered: Delivered): string | undefined =>
  delivered.entry.outcome?.state === 'rejected' ? delivered.entry.outcome.error : undefined;

// Pass counts per table, printed once per file.
interface Tally {
  name: string;
  total: number;
  passed: number;
}
const tallies: Tally[] = [];

/** Call once at a file's top level: after all its tables ran, prints `conformance: reply 14/16, …`. */
export function reportConformance(): void {
  afterAll(() => {
    console.log(`conformance: ${tallies.map((t) => `${t.name} ${t.passed}/${t.total}`).join(', ')}`);
  });
}

/** A table of GitLab's rows: each row is one test, counted as passed only when its body finished. */
export function conformanceTable(name: string) {
  const tally: Tally = { name, total: 0, passed: 0 };
  tallies.push(tally);
  return (title: string, body: () => Promise<void>, timeout?: number) => {
    tally.total += 1;
    it(
      title,
      async () => {
        await body();
        tally.passed += 1;
      },
      timeout,
    );
  };
}

/** Runs git in a directory with no user config in the way. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Dmitriy Zaporozhets',
      GIT_AUTHOR_EMAIL: 'dmitriy.zaporozhets@gmail.com',
      GIT_COMMITTER_NAME: 'Dmitriy Zaporozhets',
      GIT_COMMITTER_EMAIL: 'dmitriy.zaporozhets@gmail.com',
    },
  });
}

/** Adds a branch to a bare repository: one commit on top of `from`, writing `files`. */
export function addBranch(
  repository: string,
  branch: string,
  from: string,
  message: string,
  files: Record<string, string>,
): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'postroom-conformance-git-'));
  try {
    git(work, 'clone', '--quiet', '--branch', from, repository, '.');
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(work, name), content);
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
