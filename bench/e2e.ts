import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { issueAsNoteable, openTracker } from '../src/tracker/index.js';
import { spawnServer } from './lib/child.js';
import { startMailSink } from './lib/mailSink.js';
import { LoadConnection } from './lib/smtpLoad.js';

// Issue #13's figure: end of DATA → committed issue or note, for a mix of new issues and replies
// sent over SMTP at a fixed rate, with notifications on: two watchers hear of every new issue and
// note, through the outbox, to a real SMTP relay on loopback. Latency is read from the tracker's
// own commit times, and from the spool's (the delivery recorded done, after the tracker's commit).
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 20;
const WATCHERS = ['finn', 'bmo'];
const DRAIN_TIMEOUT_MS = 120_000;

interface Sent {
  marker: string;
  endOfData: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-e2e-'));
  const relay = await startMailSink();
  try {
    const trackerPath = path.join(dir, 'tracker.db');
    const spoolPath = path.join(dir, 'spool.db');
    const world = openTracker(trackerPath, { repositoriesDir: path.join(dir, 'repositories') });
    const jake = world.createUser({ username: 'jake', email: 'jake@example.com' });
    if (!jake.saved) throw new Error(jake.errors.join());
    const created = await world.createProject({ fullPath: 'treehouse/adventure' });
    if (!created.saved) throw new Error(created.errors.join());
    const project = created.record;
    world.addMember(project, jake.record, 'developer');
    const watchers = WATCHERS.map((username) => {
      const watcher = world.createUser({ username, email: `${username}@example.com` });
      if (!watcher.saved) throw new Error(watcher.errors.join());
      world.addMember(project, watcher.record, 'developer');
      return watcher.record;
    });
    const issue = await world.createIssue({
      project,
      author: jake.record,
      title: 'Thread for replies',
      description: 'replies go here',
    });
    if (!issue.saved) throw new Error(issue.errors.join());
    const noteable = issueAsNoteable(world.issues(project)[0]);
    // Members hear of new issues; the thread's subscribers hear of its notes.
    for (const watcher of watchers) world.subscribe(watcher, noteable);
    const replyKey = world.recordSentNotification({ recipient: jake.record, project, noteable });
    const token = world.incomingEmailToken(jake.record)!;
    world.close();

    const configFile = path.join(dir, 'postroom.yml');
    writeFileSync(
      configFile,
      `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_clients: 500 }
store: { path: ${spoolPath} }
tracker: { path: ${trackerPath} }
outgoing: { enabled: true, host: 127.0.0.1, port: ${relay.port}, start_tls: never }
log: { level: warn }
`,
    );
    const server = await spawnServer(configFile, { POSTROOM__LOG__LEVEL: 'info' });
    const port = server.port;

    const pool = await Promise.all(Array.from({ length: CONNECTIONS }, () => LoadConnection.open(port)));
    const free = [...pool];
    const sent: Sent[] = [];
    const total = RATE * SECONDS;
    const started = Date.now();
    const sends: Promise<void>[] = [];
    let waitedForConnection = 0;
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      let connection = free.pop();
      // Every connection waits for a 250: this message goes late, and says so.
      if (!connection) {
        waitedForConnection++;
        while (!(connection = free.pop())) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const marker = `m${i}x${started}`;
      const reply = i % 2 === 1;
      const to = reply
        ? `incoming+${replyKey}@postroom.test`
        : `incoming+treehouse-adventure-${project.id}-${token}-issue@postroom.test`;
      const body = Buffer.from(
        `From: Jake <jake@example.com>\r\nTo: ${to}\r\nSubject: ${reply ? 'Re: Thread for replies' : `Issue ${marker}`}\r\nMessage-ID: <${marker}@client.test>\r\n\r\n${reply ? `Reply ${marker}` : `Description ${marker}`}\r\n\r\nOn Tue, Jake wrote:\r\n> earlier\r\n`,
      );
      sends.push(
        connection
          .send('jake@example.com', to, body, () => sent.push({ marker, endOfData: Date.now() }))
          .then(() => {
            free.push(connection);
          }),
      );
    }
    await Promise.all(sends);
    const lastSent = Date.now();
    for (const connection of pool) connection.close();

    // Wait until everything is in the tracker and every notification has left the outbox.
    const committedAt = new Map<string, number>();
    const doneAt = new Map<string, number>();
    const expectedMails = sent.length * WATCHERS.length;
    let outbox: Record<string, number> = {};
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      readCommitTimes(trackerPath, committedAt);
      readDoneTimes(spoolPath, doneAt);
      outbox = outboxStates(trackerPath);
      const drained = (outbox.sent ?? 0) + (outbox.dead ?? 0) >= expectedMails;
      if ((committedAt.size >= sent.length && doneAt.size >= sent.length && drained) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const drainedAfterMs = Date.now() - lastSent;
    await server.stop();

    const latencies = (at: Map<string, number>) =>
      sent
        .map((s) => (at.get(s.marker) ?? Number.NaN) - s.endOfData)
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
    const committed = latencies(committedAt);
    const done = latencies(doneAt);
    console.log(
      `e2e_latency_p50_ms ${quantile(committed, 0.5)} (${RATE} msg/s for ${SECONDS} s, half new issues, half replies, ${WATCHERS.length} watchers notified of each, end of DATA → committed)`,
    );
    console.log(`e2e_latency_p99_ms ${quantile(committed, 0.99)}`);
    console.log(`e2e_latency_max_ms ${committed[committed.length - 1]}`);
    console.log(`e2e_done_latency_p99_ms ${quantile(done, 0.99)} (end of DATA → the delivery recorded done)`);
    console.log(`e2e_committed ${committed.length}/${sent.length}`);
    console.log(`e2e_sent_late ${waitedForConnection} (found all ${CONNECTIONS} connections waiting for a 250)`);
    console.log(`e2e_notifications_sent ${outbox.sent ?? 0}/${expectedMails} (outbox rows sent)`);
    console.log(`e2e_notifications_at_relay ${relay.received()}`);
    console.log(`e2e_settled_after_last_message_s ${(drainedAfterMs / 1000).toFixed(1)} (all routed, all mail sent)`);
    const left = Object.entries(outbox).filter(([state]) => state !== 'sent');
    console.log(
      `e2e_outbox_drained ${left.length === 0 ? 'yes' : `no (${left.map(([state, n]) => `${n} ${state}`).join(', ')})`}`,
    );
  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each issue's and note's creation time, by the marker in its title or body. */
function readCommitTimes(trackerPath: string, into: Map<string, number>): void {
  withReader(trackerPath, (db) => {
    for (const row of db.prepare('SELECT title, created_at FROM issues').all() as {
      title: string;
      created_at: number;
    }[]) {
      const marker = /^Issue (\S+)$/.exec(row.title)?.[1];
      if (marker) into.set(marker, row.created_at);
    }
    for (const row of db.prepare('SELECT body, created_at FROM notes').all() as {
      body: string;
      created_at: number;
    }[]) {
      const marker = /^Reply (\S+)/.exec(row.body)?.[1];
      if (marker) into.set(marker, row.created_at);
    }
  });
}

/** When each message's delivery was recorded done, by the marker in its Message-ID. */
function readDoneTimes(spoolPath: string, into: Map<string, number>): void {
  withReader(spoolPath, (db) => {
    const rows = db
      .prepare(
        `SELECT m.message_id AS id, d.finished_at AS at FROM messages m JOIN deliveries d ON d.message = m.id
           WHERE d.state = 'done'`,
      )
      .all() as { id: string; at: number }[];
    for (const row of rows) {
      const marker = /^<?([^@]+)@/.exec(row.id)?.[1];
      if (marker) into.set(marker, row.at);
    }
  });
}

function outboxStates(trackerPath: string): Record<string, number> {
  return withReader(trackerPath, (db) =>
    Object.fromEntries(
      (
        db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: string; n: number }[]
      ).map((row) => [row.state, row.n]),
    ),
  );
}

function withReader<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
