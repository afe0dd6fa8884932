// Routing holds a bounded number of message bytes at once, not only a bounded number of messages
// (issue 9, item 4): large messages are routed one after another, small ones side by side.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { Spool } from '../../src/spool/index.js';
import type { Processor } from '../../src/worker/types.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { tempDir } from '../helpers/postroom.js';

const KB = 1024;
let cleanup: () => void;
let spool: Spool;
let worker: Worker | undefined;

beforeEach(() => {
  const made = tempDir();
  cleanup = made.cleanup;
  spool = Spool.open(path.join(made.dir, 'spool.db'));
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await spool.close();
  cleanup();
});

async function storeMessages(count: number, size: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const head = `Subject: m${i}\r\nMessage-ID: <m${i}@example.com>\r\n\r\n`;
    const bytes = Buffer.alloc(size, 'a');
    bytes.write(head);
    const stored = await spool.store({
      source: 'smtp',
      sessionId: `s${i}`,
      tls: false,
      mailFrom: 'jake@example.com',
      recipients: ['incoming+key@postroom.test'],
      receivedAt: Date.now(),
      chunks: [bytes],
      size,
    });
    if (!stored.stored) throw new Error(stored.reason);
  }
}

/** A processor that counts the messages in its hands at once, and the bytes they add up to. */
function watchingProcessor(): { process: Processor; most: { messages: number; bytes: number }; seen: number[] } {
  let messages = 0;
  let bytes = 0;
  const most = { messages: 0, bytes: 0 };
  const seen: number[] = [];
  const process: Processor = async (_message, _delivery, raw) => {
    messages++;
    bytes += raw.length;
    most.messages = Math.max(most.messages, messages);
    most.bytes = Math.max(most.bytes, bytes);
    seen.push(raw.length);
    // Turns of the event loop in which the worker could start the others, were it allowed to.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    messages--;
    bytes -= raw.length;
    return { outcome: { state: 'done' } };
  };
  return { process, most, seen };
}

function start(process: Processor, memoryBudget: number): Worker {
  return startWorker({
    spool,
    process,
    logger: createLogger('silent'),
    concurrency: 4,
    memoryBudget,
    retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 3, maxAgeMs: 60_000 },
  });
}

describe('the routing memory budget', () => {
  it('routes large messages one after another when two would not fit', async () => {
    await storeMessages(4, 300 * KB);
    const watch = watchingProcessor();
    worker = start(watch.process, 512 * KB);
    await worker.idle();
    expect(watch.seen).toHaveLength(4);
    expect(watch.most.messages).toBe(1);
    expect(spool.countByState()).toEqual({ done: 4 });
  });

  it('routes small messages side by side, as many as the concurrency allows', async () => {
    await storeMessages(4, 10 * KB);
    const watch = watchingProcessor();
    worker = start(watch.process, 512 * KB);
    await worker.idle();
    expect(watch.most.messages).toBe(4);
    expect(spool.countByState()).toEqual({ done: 4 });
  });

  it('holds no more than the budget while messages of mixed sizes wait', async () => {
    await storeMessages(2, 200 * KB);
    await storeMessages(4, 50 * KB);
    const watch = watchingProcessor();
    worker = start(watch.process, 320 * KB);
    await worker.idle();
    expect(watch.seen).toHaveLength(6);
    expect(watch.most.bytes).toBeLessThanOrEqual(320 * KB);
    expect(watch.most.messages).toBeGreaterThan(1);
  });

  it('still routes a message larger than the whole budget, alone', async () => {
    await storeMessages(2, 300 * KB);
    const watch = watchingProcessor();
    worker = start(watch.process, 100 * KB);
    await worker.idle();
    expect(watch.seen).toEqual([300 * KB, 300 * KB]);
    expect(watch.most.messages).toBe(1);
    expect(spool.countByState()).toEqual({ done: 2 });
  });
});
