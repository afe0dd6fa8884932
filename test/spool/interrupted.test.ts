// A delivery left `processing` by a routing thread that died goes back in line, but not forever: one
// that was being routed alone each time the thread died (a message that runs it out of memory) is a
// dead letter at the third death, so it cannot stop routing for the others again and again. A death
// with several in flight counts for none of them: the bystanders must not die with the culprit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { incomingMessage, storedId } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();
let spool: Spool;
beforeEach(() => {
  spool = Spool.open(temp.file);
});
afterEach(async () => {
  await spool.close();
});

// Later than any store in the test, so what was stored is due.
const NOW = Date.now() + 60_000;

async function store(name: string): Promise<number> {
  const id = await storedId(
    spool,
    incomingMessage(`Subject: ${name}\r\nMessage-ID: <${name}@example.com>\r\n\r\nHi\r\n`),
  );
  return spool.deliveriesOf(id)[0].id;
}

/**
 * Claims what is due (only `among`, when given), as a routing thread does, then dies under it:
 * the next thread's start recovers.
 */
function claimThenDie(at: number, among?: number[]): ReturnType<Spool['queue']['recoverInterrupted']> {
  spool.queue.settle(at, [], 10, among);
  return spool.queue.recoverInterrupted(at + 1);
}

function interruptions(delivery: number): unknown[] {
  const message = spool.delivery(delivery)!.message;
  return spool
    .events(message)
    .filter((event) => event.kind === 'interrupted')
    .map((event) => event.detail?.alone);
}

describe('deliveries interrupted by a routing thread that died', () => {
  it('go back in line twice, and are dead letters with the reason the third time', async () => {
    const delivery = await store('poison');
    expect(claimThenDie(NOW)).toEqual({ requeued: [delivery], dead: [] });
    expect(claimThenDie(NOW + 10)).toEqual({ requeued: [delivery], dead: [] });
    expect(spool.delivery(delivery)?.state).toBe('retry');
    expect(claimThenDie(NOW + 20)).toEqual({ requeued: [], dead: [delivery] });
    const dead = spool.delivery(delivery)!;
    expect(dead.state).toBe('dead');
    expect(dead.lastError).toMatch(/routing stopped during 3 of its attempts.*heap_limit/);
    const kinds = spool.events(dead.message).map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'interrupted')).toHaveLength(3);
    expect(kinds.at(-1)).toBe('dead');
    // Nothing is claimed again.
    expect(spool.queue.settle(NOW + 30, [], 10)).toEqual([]);
  });

  it('count a death with others in flight for none of them, and one alone for that one', async () => {
    const first = await store('first');
    claimThenDie(NOW);
    claimThenDie(NOW + 10);
    const later = await store('later');
    // Two in flight: which one killed routing is not known, so neither is counted.
    expect(claimThenDie(NOW + 20)).toEqual({ requeued: [first, later], dead: [] });
    expect(interruptions(first)).toEqual([true, true, false]);
    expect(interruptions(later)).toEqual([false]);
    // Routed alone (as the worker does after a death), the first dies at its third death alone.
    expect(claimThenDie(NOW + 30, [first])).toEqual({ requeued: [], dead: [first] });
    expect(spool.delivery(later)?.state).toBe('retry');
  });

  it('claim only among the given deliveries, in their order, those still due', async () => {
    const a = await store('a');
    const b = await store('b');
    const c = await store('c');
    expect(spool.queue.settle(NOW, [], 1, [c, a])).toEqual([c]);
    // c is in flight now, so no longer due; b was not among them.
    expect(spool.queue.settle(NOW, [], 5, [c, a])).toEqual([a]);
    expect(spool.delivery(b)?.state).toBe('queued');
    expect(spool.queue.settle(NOW, [], 5, [c, a])).toEqual([]);
  });

  it('start counting again after a replay, which gives a fresh budget', async () => {
    const delivery = await store('replayed');
    for (let death = 0; death < 3; death++) claimThenDie(NOW + death * 10);
    expect(spool.delivery(delivery)?.state).toBe('dead');
    expect(spool.queue.requeue(delivery, NOW + 100, 'the operator raised worker.heap_limit')).toBe(true);
    expect(claimThenDie(NOW + 110)).toEqual({ requeued: [delivery], dead: [] });
    expect(claimThenDie(NOW + 120)).toEqual({ requeued: [delivery], dead: [] });
    expect(claimThenDie(NOW + 130)).toEqual({ requeued: [], dead: [delivery] });
  });
});
