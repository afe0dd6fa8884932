import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueAsNoteable, openTracker } from '../src/tracker/index.js';
import { spawnServer } from './lib/child.js';
import { LoadConnection } from './lib/smtpLoad.js';

// Issue #4's figure: end of DATA → committed issue or note, for a mix of new issues and replies
// sent over SMTP at a fixed rate. Latency is read from the tracker's own commit times.
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 20;

interface Sent {
  marker: string;
  endOfData: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-e2e-'));
  try {
    const trackerPath = path.join(dir, 'tracker.db');
    const world = openTracker(trackerPath, { repositoriesDir: path.join(dir, 'repositories') });
    const jake = world.createUser({ username: 'jake', email: 'jake@example.com' });
    if (!jake.saved) throw new Error(jake.errors.join());
    const created = await world.createProject({ fullPath: 'treehouse/adventure' });
    if (!created.saved) throw new Error(created.errors.join());
    const project = created.record;
    world.addMember(project, jake.record, 'developer');
    const first = world.createIssue({
      project,
      author: jake.record,
      title: 'Thread for replies',
      description: 'replies go here',
    });
    const issue = await first;
    if (!issue.saved) throw new Error(issue.errors.join());
    const noteable = issueAsNoteable(world.issues(project)[0]);
    const replyKey = world.recordSentNotification({ recipient: jake.record, project, noteable });
    const token = world.incomingEmailToken(jake.record)!;
    world.close();

    const configFile = path.join(dir, 'postroom.yml');
    writeFileSync(
      configFile,
      `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_clients: 500 }
store: { path: ${path.join(dir, 'spool.db')} }
tracker: { path: ${trackerPath} }
outgoing: { enabled: false }
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
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const connection = free.pop();
      if (!connection)
        throw new Error(`all ${CONNECTIONS} connections busy: the server is not keeping up with ${RATE} msg/s`);
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
    for (const connection of pool) connection.close();

    // Wait until everything is in the tracker, then read each commit time.
    const reader = openTracker(trackerPath, { repositoriesDir: path.join(dir, 'repositories') });
    const committedAt = new Map<string, number>();
    const deadline = Date.now() + 60_000;
    while (committedAt.size < sent.length && Date.now() < deadline) {
      for (const record of reader.issues(project)) {
        const marker = /^Issue (\S+)$/.exec(record.title)?.[1];
        if (marker) committedAt.set(marker, record.createdAt);
      }
      for (const note of reader.notes(noteable)) {
        const marker = /^Reply (\S+)/.exec(note.body)?.[1];
        if (marker) committedAt.set(marker, note.createdAt);
      }
      if (committedAt.size < sent.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    reader.close();
    await server.stop();

    const latencies = sent
      .map((s) => (committedAt.get(s.marker) ?? Number.NaN) - s.endOfData)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    console.log(
      `e2e_latency_p50_ms ${at(0.5)} (${RATE} msg/s for ${SECONDS} s, half new issues, half replies, end of DATA → committed)`,
    );
    console.log(`e2e_latency_p99_ms ${at(0.99)}`);
    console.log(`e2e_latency_max_ms ${latencies[latencies.length - 1]}`);
    console.log(`e2e_committed ${latencies.length}/${sent.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
