import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startBenchServer, BENCH_RECIPIENT } from './lib/server.js';
import { LoadConnection, makeMessage } from './lib/smtpLoad.js';

// Issue #2's figures: 20 reused connections × 4 KB durable, then 50 concurrent 1 MB messages.
const CONNECTIONS = 20;
const SMALL_SIZE = 4 * 1024;
const SMALL_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 40_000);
const LARGE_CONCURRENCY = 50;
const LARGE_SIZE = 1024 * 1024;
const LARGE_ROUNDS = 3;

async function nodeLoad(port: number, total: number, size: number, connections: number): Promise<number> {
  const pool = await Promise.all(Array.from({ length: connections }, () => LoadConnection.open(port)));
  const body = makeMessage(size, 'bench');
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    pool.map(async (connection) => {
      while (next < total) {
        next++;
        await connection.send('load@client.test', BENCH_RECIPIENT, body);
      }
      connection.close();
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function smtpSourceLoad(port: number, total: number, size: number, connections: number): Promise<number | undefined> {
  const started = process.hrtime.bigint();
  try {
    // -d keeps each session for the next message, -s parallel sessions, -m messages in all, -l length.
    await promisify(execFile)('smtp-source', ['-d', '-s', String(connections), '-m', String(total), '-l', String(size),
      '-f', 'load@client.test', '-t', BENCH_RECIPIENT, `127.0.0.1:${port}`], { timeout: 600_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  try {
    await nodeLoad(server.port, 2000, SMALL_SIZE, CONNECTIONS);
    const client = process.env.BENCH_CLIENT ?? 'smtp-source';
    let seconds = client === 'smtp-source' ? await smtpSourceLoad(server.port, SMALL_MESSAGES, SMALL_SIZE, CONNECTIONS) : undefined;
    const used = seconds === undefined ? 'node' : 'smtp-source';
    seconds ??= await nodeLoad(server.port, SMALL_MESSAGES, SMALL_SIZE, CONNECTIONS);
    console.log(`accept_4k_msgs_per_sec ${(SMALL_MESSAGES / seconds).toFixed(0)} (${CONNECTIONS} reused connections, ${used}, synchronous=FULL)`);
    console.log(`accept_4k_peak_rss_mb ${server.peakRssMb().toFixed(1)}`);
  } finally {
    await server.stop();
  }

  const large = await startBenchServer();
  try {
    for (let round = 0; round < LARGE_ROUNDS; round++) {
      await nodeLoad(large.port, LARGE_CONCURRENCY, LARGE_SIZE, LARGE_CONCURRENCY);
    }
    console.log(`accept_1m_x50_peak_rss_mb ${large.peakRssMb().toFixed(1)}`);
  } finally {
    await large.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
