import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Spool, type IncomingMessage } from '../src/spool/index.js';
import { startWorker } from '../src/worker/worker.js';

// Issue #9's case (200 × 200 KiB), with a smaller and a larger size beside it.
const CASES = [
  { size: 20 * 1024, count: 500 },
  { size: 200 * 1024, count: 200 },
  { size: 1024 * 1024, count: 50 },
];

/** Bytes this process has sent to the storage layer so far (all threads: the writer and the worker). */
function writtenBytes(): number {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

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
async function bytesPerMessage(size: number, count: number, atOnce = 1): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-bench-writes-'));
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
    const before = writtenBytes();
    for (let n = 0; n < count; n += atOnce) {
      const batch = Array.from({ length: atOnce }, (_, i) => spool.store(message(size, n + i)));
      for (const stored of await Promise.all(batch)) if (!stored.stored) throw new Error(stored.reason);
    }
    await worker.idle();
    await worker.stop();
    spool.db.pragma('wal_checkpoint(TRUNCATE)');
    return (writtenBytes() - before) / count;
  } finally {
    await spool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(label: string, size: number, perMessage: number): void {
  console.log(
    `spool bytes written per accepted-and-routed ${label}: ${(perMessage / size).toFixed(2)} × its size (${Math.round(perMessage / 1024)} KiB)`,
  );
}

// One message at a time (a commit, a claim and an outcome of its own: the low-load case, where
// nothing is shared), then the small size under load, where commits and settles carry several.
for (const { size, count } of CASES) report(`${size / 1024} KiB message`, size, await bytesPerMessage(size, count));
const { size, count } = CASES[0];
report(`${size / 1024} KiB message, 8 at once`, size, await bytesPerMessage(size, count, 8));
