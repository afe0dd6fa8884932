// After the routing thread died, what was in flight with it is routed one delivery at a time, with
// nothing else in flight, before anything else is claimed: a message that kills routing then dies
// alone and is counted, and the deliveries that only happened to be in flight with it are not.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { Spool } from '../../src/spool/index.js';
import type { Processor } from '../../src/worker/types.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { tempDir } from '../helpers/postroom.js';
import { incomingMessage, storedId } from '../helpers/incoming.js';

const CONCURRENCY = 4;
let made: { dir: string; cleanup: () => void };
let spool: Spool;
let worker: Worker | undefined;

beforeEach(() => {
  made = tempDir();
  spool = Spool.open(path.join(made.dir, 'spool.db'));
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await spool.close();
  made.cleanup();
});

async function store(names: string[]): Promise<number[]> {
  const deliveries: number[] = [];
  for (const name of names) {
    const id = await storedId(
      spool,
      incomingMessage(`Subject: ${name}\r\nMessage-ID: <${name}@example.com>\r\n\r\nHello\r\n`),
    );
    deliveries.push(spool.deliveriesOf(id)[0].id);
  }
  return deliveries;
}

/** Each attempt takes a few milliseconds, so attempts allowed to overlap do. */
function recording(): { processor: Processor; started: number[]; overlaps: Map<number, number> } {
  const started: number[] = [];
  // For each delivery, how many others were in flight at any time during its attempt.
  const overlaps = new Map<number, number>();
  const inFlight = new Set<number>();
  const processor: Processor = async (_message, delivery) => {
    started.push(delivery.id);
    inFlight.add(delivery.id);
    for (const other of inFlight) overlaps.set(other, Math.max(overlaps.get(other) ?? 0, inFlight.size - 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight.delete(delivery.id);
    return { outcome: { state: 'done' } };
  };
  return { processor, started, overlaps };
}

function start(processor: Processor): Worker {
  return startWorker({
    spool,
    process: processor,
    logger: createLogger('silent'),
    concurrency: CONCURRENCY,
    retry: { baseMs: 10, maxMs: 10, maxAttempts: 5, maxAgeMs: 60_000 },
    pollMs: 20,
  });
}

describe('deliveries in flight when routing died', () => {
  it('are routed one at a time, before the others, and then routing goes on as many at once', async () => {
    const interrupted = await store(['s1', 's2', 's3']);
    // A routing thread claimed these three and died under them.
    expect(spool.queue.settle(Date.now() + 1000, [], CONCURRENCY)).toEqual(interrupted);
    const fresh = await store(['f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    const { processor, started, overlaps } = recording();
    worker = start(processor);
    await worker.idle();

    expect([...interrupted, ...fresh].map((id) => spool.delivery(id)?.state)).toEqual(
      [...interrupted, ...fresh].map(() => 'done'),
    );
    expect(started.slice(0, 3).sort()).toEqual([...interrupted].sort());
    for (const id of interrupted) expect(overlaps.get(id)).toBe(0);
    expect(Math.max(...fresh.map((id) => overlaps.get(id) ?? 0))).toBeGreaterThan(0);
    // Their trace says they were interrupted with others in flight, which counts against none.
    for (const id of interrupted) {
      const events = spool.events(spool.delivery(id)!.message).filter((event) => event.kind === 'interrupted');
      expect(events.map((event) => event.detail?.alone)).toEqual([false]);
    }
  });

  it('go on as usual once none of them is due any more', async () => {
    const [first, removed] = await store(['first', 'removed']);
    spool.queue.settle(Date.now() + 1000, [], CONCURRENCY);
    const fresh = await store(['f1', 'f2', 'f3']);
    const { processor, started } = recording();
    worker = start(async (message, delivery, raw) => {
      // While the first is routed alone, the other one's message is deleted (by hand, say).
      if (delivery.id === first)
        spool.db.prepare('DELETE FROM messages WHERE id = ?').run(spool.delivery(removed)!.message);
      return processor(message, delivery, raw);
    });
    await worker.idle();
    expect(started).toHaveLength(1 + fresh.length);
    expect(started[0]).toBe(first);
    expect(fresh.map((id) => spool.delivery(id)?.state)).toEqual(fresh.map(() => 'done'));
  });
});
