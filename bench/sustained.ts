import path from 'node:path';
import { readBacklog } from './lib/backlog.js';
import { startBenchServer } from './lib/server.js';
import { LoadConnection, makeMessage } from './lib/smtpLoad.js';

// Issue 13: sends for BENCH_SECONDS at each rate in BENCH_RATES with routing on (every message a reply
// that becomes a note), then reads how much was routed. Routing keeps up at a rate when the backlog at
// the end is under one second of that traffic.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATES = (process.env.BENCH_RATES ?? '500,1000,1500,2000,3000').split(',').map(Number);
const CONNECTIONS = 100;
const TICK_MS = 10;

interface RunResult {
  accepted: number;
  late: number;
  finished: number;
  done: number;
  waiting: number;
}

async function run(rate: number): Promise<RunResult> {
  const server = await startBenchServer('25MB', true, true);
  try {
    const pool = await Promise.all(Array.from({ length: CONNECTIONS }, () => LoadConnection.open(server.port)));
    const free = [...pool];
    let accepted = 0;
    let late = 0;
    let sent = 0;
    const sends: Promise<void>[] = [];
    const started = Date.now();
    const end = started + SECONDS * 1000;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - started) * rate) / 1000);
      while (sent < due) {
        sent++;
        const connection = free.pop();
        // No free connection: the front did not answer in time; that message counts as not accepted.
        if (!connection) {
          late++;
          continue;
        }
        const body = makeMessage(4096, `s${sent}x${started}`);
        sends.push(
          connection.send('load@client.test', server.recipient, body).then(() => {
            accepted++;
            free.push(connection);
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    await Promise.all(sends);
    for (const connection of pool) connection.close();
    const backlog = readBacklog(path.join(server.dir, 'spool.db'));
    return { accepted, late, ...backlog };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  let best: number | undefined;
  for (const rate of RATES) {
    const result = await run(rate);
    // Kept up: the front took (nearly) all that was offered, routing left under a second's worth,
    // and every routed message had its effect (a note), not a rejection or a dead letter.
    const keptUp = result.accepted >= 0.99 * rate * SECONDS && result.waiting < rate && result.done === result.finished;
    console.log(
      `sustained_${rate}_accepted_msgs_per_sec ${(result.accepted / SECONDS).toFixed(0)} (offered ${rate} msg/s for ${SECONDS} s, 4 KB replies, routing on; ${result.late} found no free connection)`,
    );
    console.log(
      `sustained_${rate}_routed_msgs_per_sec ${(result.finished / SECONDS).toFixed(0)} (${result.done} of ${result.finished} done)`,
    );
    console.log(`sustained_${rate}_backlog_at_end ${result.waiting} (${keptUp ? 'kept up' : 'fell behind'})`);
    if (keptUp) best = rate;
    else break;
  }
  console.log(`sustained_highest_kept_up_msgs_per_sec ${best ?? 0}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
