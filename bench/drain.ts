import path from 'node:path';
import { readBacklog } from './lib/backlog.js';
import { startBenchServer } from './lib/server.js';
import { LoadConnection, makeMessage } from './lib/smtpLoad.js';

// Routing's own capacity (issue 13): a backlog of BENCH_MESSAGES replies (each one a note) is accepted
// with routing paused, then the server starts again with routing on and drains it with nothing
// else to do. The rate bounds what bench:sustained can keep up with.
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONNECTIONS = 20;
const POLL_MS = 50;

async function fill(port: number, recipient: string): Promise<void> {
  const pool = await Promise.all(Array.from({ length: CONNECTIONS }, () => LoadConnection.open(port)));
  let next = 0;
  await Promise.all(
    pool.map(async (connection) => {
      while (next < MESSAGES) await connection.send('load@client.test', recipient, makeMessage(4096, `d${next++}`));
      connection.close();
    }),
  );
}

async function main(): Promise<void> {
  const server = await startBenchServer('25MB', false);
  try {
    await fill(server.port, server.recipient);
    const spoolFile = path.join(server.dir, 'spool.db');
    const started = process.hrtime.bigint();
    await server.restart(true);
    const cpuBefore = server.cpuMs();
    while (readBacklog(spoolFile).waiting > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuUs = ((server.cpuMs() - cpuBefore) * 1000) / MESSAGES;
    const backlog = readBacklog(spoolFile);
    console.log(
      `drain_notes_msgs_per_sec ${(MESSAGES / seconds).toFixed(0)} (a backlog of ${MESSAGES} 4 KB replies, ${backlog.done} of ${backlog.finished} done as notes, start included)`,
    );
    console.log(`drain_cpu_us_per_msg ${cpuUs.toFixed(0)} (every thread of the server)`);
  } finally {
    await server.stop();
  }
}

await main();
