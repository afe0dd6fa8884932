import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchServer {
  port: number;
  /** A reply address whose key the tracker knows, so RCPT TO runs its real, exact check. */
  recipient: string;
  pid: number;
  dir: string;
  /** Peak resident memory of the server process so far (VmHWM), in MiB. */
  peakRssMb(): number;
  /** CPU time the server process (every thread) has used so far, in ms. */
  cpuMs(): number;
  /** The same for each of its threads, by thread id (the SMTP thread's is `pid`). */
  threadCpuMs(): Map<number, number>;
  /** Stops the server and starts it again on the same files, routing on or paused. */
  restart(routing: boolean): Promise<void>;
  stop(): Promise<void>;
}

import { issueAsNoteable, openTracker } from '../../src/tracker/index.js';
import { spawnServer } from './child.js';

/** Starts `postroom serve` as its own process on a private spool with the default durability. */
export async function startBenchServer(
  maxMessageSize = '25MB',
  routing = true,
  verifyKeys = true,
  /** More YAML for the config (e.g. a `sender_auth` section). */
  extraConfig = '',
): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-bench-'));
  const config = path.join(dir, 'postroom.yml');
  const recipient = `incoming+${await seedReplyKey(path.join(dir, 'tracker.db'))}@postroom.test`;
  const writeConfig = (routingOn: boolean) =>
    writeFileSync(
      config,
      `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_message_size: ${maxMessageSize}, max_clients: 500, max_connections_per_ip: 500, verify_keys: ${verifyKeys} }
store: { path: ${path.join(dir, 'spool.db')} }
tracker: { path: ${path.join(dir, 'tracker.db')} }
outgoing: { enabled: false }
worker: { enabled: ${routingOn} }
log: { level: info }
${extraConfig}
`,
    );
  writeConfig(routing);
  let server = await spawnServer(config);
  return {
    get port() {
      return server.port;
    },
    recipient,
    get pid() {
      return server.child.pid!;
    },
    dir,
    cpuMs() {
      return statCpuMs(`/proc/${server.child.pid}/stat`);
    },
    threadCpuMs() {
      const threads = new Map<number, number>();
      for (const tid of readdirSync(`/proc/${server.child.pid}/task`))
        threads.set(Number(tid), statCpuMs(`/proc/${server.child.pid}/task/${tid}/stat`));
      return threads;
    },
    peakRssMb() {
      const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
    },
    async restart(routingOn: boolean) {
      await server.stop();
      writeConfig(routingOn);
      server = await spawnServer(config);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A user, a project it belongs to, an issue and a notification sent about it: the reply key every bench message answers, each one a note. */
async function seedReplyKey(trackerPath: string): Promise<string> {
  const tracker = openTracker(trackerPath);
  try {
    const user = tracker.createUser({ username: 'load', email: 'load@client.test' });
    const project = await tracker.createProject({ fullPath: 'bench/load' });
    if (!user.saved || !project.saved) throw new Error('could not seed the bench tracker');
    // A member may read the (private) project: without it every reply ends rejected (ProjectNotFound).
    tracker.addMember(project.record, user.record, 'developer');
    const issue = await tracker.createIssue({
      idempotencyKey: null,
      project: project.record,
      author: user.record,
      title: 'Load',
      description: '',
    });
    if (!issue.saved) throw new Error('could not seed the bench issue');
    return tracker.recordSentNotification({
      recipient: user.record,
      project: project.record,
      noteable: issueAsNoteable(tracker.issues(project.record)[0]),
    });
  } finally {
    tracker.close();
  }
}

/** utime and stime, fields 14 and 15 of a /proc stat file, in clock ticks of 10 ms. */
function statCpuMs(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
