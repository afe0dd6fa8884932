import { readFileSync } from 'node:fs';
import { startBenchServer, type BenchServer } from './lib/server.js';
import { LoadConnection, makeMessage } from './lib/smtpLoad.js';

// Issue 9, item 4: clients that push large messages and never finish them, then many large
// messages at once with routing running. Peak RSS (VmHWM) of the server process, in MiB.
const HOLDERS = 150;
const HELD_BYTES = 3 * 1024 * 1024;
const PIECE_BYTES = 64 * 1024;
const LARGE_CONCURRENCY = 50;
const LARGE_SIZE = 1024 * 1024;
const LARGE_ROUNDS = 3;
// Long enough for the server to take in what was sent before RSS is read.
const SETTLE_MS = 2000;

/** Resident memory of the server process now (VmRSS), in MiB. */
function rssMb(server: BenchServer): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** A started server with its routing thread, before any mail: what every figure below starts from. */
async function idle(): Promise<number> {
  const server = await startBenchServer('25MB', true);
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return rssMb(server);
  } finally {
    await server.stop();
  }
}

async function unfinishedData(): Promise<number> {
  const server = await startBenchServer('25MB', true);
  try {
    const piece = makeMessage(PIECE_BYTES, 'held').subarray(0, PIECE_BYTES);
    const holders = await Promise.all(Array.from({ length: HOLDERS }, () => LoadConnection.open(server.port)));
    await Promise.all(
      holders.map(async (holder) => {
        await holder.beginData('load@client.test', server.recipient);
        for (let sent = 0; sent < HELD_BYTES; sent += PIECE_BYTES) await holder.write(piece);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const peak = server.peakRssMb();
    for (const holder of holders) holder.close();
    return peak;
  } finally {
    await server.stop();
  }
}

async function concurrentLarge(): Promise<number> {
  const server = await startBenchServer('25MB', true);
  try {
    const body = makeMessage(LARGE_SIZE, 'large');
    for (let round = 0; round < LARGE_ROUNDS; round++) {
      const pool = await Promise.all(Array.from({ length: LARGE_CONCURRENCY }, () => LoadConnection.open(server.port)));
      await Promise.all(pool.map((connection) => connection.send('load@client.test', server.recipient, body)));
      for (const connection of pool) connection.close();
    }
    return server.peakRssMb();
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`memory_idle_rss_mb ${(await idle()).toFixed(1)} (started, routing on, no mail yet)`);
  console.log(
    `memory_unfinished_data_peak_rss_mb ${(await unfinishedData()).toFixed(1)} (${HOLDERS} sessions × ${HELD_BYTES / 1024 / 1024} MiB of DATA never ended, routing on)`,
  );
  console.log(
    `memory_1m_x${LARGE_CONCURRENCY}_with_routing_peak_rss_mb ${(await concurrentLarge()).toFixed(1)} (${LARGE_ROUNDS} rounds)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
