import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Spool, type IncomingMessage } from '../src/spool/index.js';
import { startWorker } from '../src/worker/worker.js';
import { durableFloor, type FloorShape } from './anchors/durableStore.js';
import { measureWrites, type WrittenBytes } from './lib/writtenBytes.js';

// Issue #9's case (200 × 200 KiB), with a smaller and a larger size beside it.
const CASES = [
  { size: 20 * 1024, count: 500 },
  { size: 200 * 1024, count: 200 },
  { size: 1024 * 1024, count: 50 },
];

function message(size: number, n: number): IncomingMessage {
  const head = `Message-ID: <w${n}@bench.test>\r\nSubject: writes\r\n\r\n`;
  const body = Buffer.alloc(size - head.length, 'x');
  body.write('\r\n', body.length - 2);
  return {
    source: 'smtp',
    sessionId: `s${n}`,
    tls: false,
    mailFrom: 'load@client.test',
    recipients: ['incoming+key@postroom.test'],
    receivedAt: Date.now(),
    messageId: `<w${n}@bench.test>`,
    chunks: [Buffer.from(head), body],
    size,
  };
}

/**
 * Every byte the spool writes for a message, from its commit to its final state: the store, the
 * claim, the outcome and their trace events, and the checkpoints that move them into the file.
 * The routing's effect is a no-op here, so only the spool's own writes are counted.
 */
async function spoolBytes(size: number, count: number, atOnce = 1): Promise<WrittenBytes> {
  return inFreshFolder('postroom-bench-writes-', async (dir) => {
    const spool = Spool.open(path.join(dir, 'spool.db'), { synchronous: 'NORMAL' });
    try {
      const worker = startWorker({
        spool,
        process: async () => ({ outcome: { state: 'done' } }),
        logger: pino({ level: 'silent' }),
        concurrency: 4,
        retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 1, maxAgeMs: 60_000 },
      });
      spool.onStored(() => worker.wake());
      // The writer thread starts outside the count.
      spool.startWriter();
      return await measureWrites(dir, count, async () => {
        for (let n = 0; n < count; n += atOnce) {
          const batch = Array.from({ length: atOnce }, (_, i) => spool.store(message(size, n + i)));
          for (const stored of await Promise.all(batch)) if (!stored.stored) throw new Error(stored.reason);
          // Alone means alone: the next message comes once this one is finished.
          if (atOnce === 1) await worker.idle();
        }
        await worker.idle();
        await worker.stop();
        spool.db.pragma('wal_checkpoint(TRUNCATE)');
      });
    } finally {
      await spool.close();
    }
  });
}

async function floorBytes(shape: FloorShape, size: number, count: number): Promise<WrittenBytes> {
  return inFreshFolder('postroom-bench-floor-', (dir) =>
    measureWrites(dir, count, async () => durableFloor(shape, dir, size, count)),
  );
}

async function inFreshFolder<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(label: string, size: number, written: WrittenBytes): void {
  const ratio = (bytes: number) => `${(bytes / size).toFixed(2)} × its size (${Math.round(bytes / 1024)} KiB)`;
  const device = written.device === undefined ? 'no block device here' : ratio(written.device);
  console.log(`${label}: ${ratio(written.process)} by the process, ${device} by the disk`);
}

// One message at a time (a commit, a claim and an outcome of its own: the low-load case, where
// nothing is shared), each beside the floor of three fsynced commits with nothing else in them;
// then the small size under load, where commits and settles carry several.
for (const { size, count } of CASES) {
  const kib = `${size / 1024} KiB message`;
  report(`spool bytes written per accepted-and-routed ${kib}`, size, await spoolBytes(size, count));
  report(
    `  anchor, bare SQLite (3 commits: body and state row, 2 updates), ${kib}`,
    size,
    await floorBytes('sqlite', size, count),
  );
  report(
    `  anchor, a file of its own + bare SQLite row (3 commits), ${kib}`,
    size,
    await floorBytes('file-and-row', size, count),
  );
}
const { size, count } = CASES[0];
report(
  `spool bytes written per accepted-and-routed ${size / 1024} KiB message, 8 at once`,
  size,
  await spoolBytes(size, count, 8),
);
