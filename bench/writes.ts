import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Spool, type IncomingMessage } from '../src/spool/index.js';
import { startWorker } from '../src/worker/worker.js';
import { durableFloor, type FloorShape } from './anchors/durableStore.js';
import { measureWrites, type WrittenBytes } from './lib/writtenBytes.js';

// Issue #9's case (200 × 200 KiB), with smaller sizes (the bench's 4 KB, a 20 KiB reply with
// HTML) and a larger one beside it. The first small size is also measured under load.
const CASES = [
  { size: 20 * 1024, count: 500 },
  { size: 4 * 1024, count: 800 },
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

/** Two lines, one figure each: bytes written per message over its size, as the process and as the disk counts them. */
function report(name: string, size: number, written: WrittenBytes, what: string): void {
  const line = (counted: string, bytes: number | undefined, how: string) =>
    console.log(
      bytes === undefined
        ? `${name}_${counted}_ratio none (no block device under the temporary folder)`
        : `${name}_${counted}_ratio ${(bytes / size).toFixed(2)} (${Math.round(bytes / 1024)} KiB per ${size / 1024} KiB message, ${what}; ${how})`,
    );
  line('process', written.process, "this process's writes");
  line('disk', written.device, "the disk's, after sync: the filesystem's journal too");
}

// One message at a time (a commit, a claim and an outcome of its own: the low-load case, where
// nothing is shared), each beside its anchors: the floor of three fsynced commits with nothing
// else in them; then the small size under load, where commits and settles carry several.
for (const { size, count } of CASES) {
  const name = `writes_${size / 1024}k`;
  report(`${name}_alone`, size, await spoolBytes(size, count), 'accepted and routed alone');
  report(
    `${name}_floor_sqlite`,
    size,
    await floorBytes('sqlite', size, count),
    'the anchor: its bytes in a bare SQLite file',
  );
  report(
    `${name}_floor_file`,
    size,
    await floorBytes('file-and-row', size, count),
    'the anchor: its bytes in a file of their own, a bare row',
  );
}
const { size, count } = CASES[0];
report(`writes_${size / 1024}k_8_at_once`, size, await spoolBytes(size, count, 8), 'accepted and routed 8 at once');
