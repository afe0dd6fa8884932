// A delivery left `processing` by a routing thread that died goes back in line, but not forever: one
// that was being routed each time the thread died (a message that runs it out of memory) is a dead
// letter at the third death, so it cannot stop routing for the others again and again.
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

/** Claims what is due, as a routing thread does, then dies under it: the next thread's start recovers. */
function claimThenDie(at: number): ReturnType<Spool['queue']['recoverInterrupted']> {
  spool.queue.settle(at, [], 10);
  return spool.queue.recoverInterrupted(at + 1);
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

  it('count only the deaths under themselves: a delivery claimed later starts from none', async () => {
    const first = await store('first');
    claimThenDie(NOW);
    claimThenDie(NOW + 10);
    const later = await store('later');
    // The first is dead at its third; the later one was under the thread once.
    expect(claimThenDie(NOW + 20)).toEqual({ requeued: [later], dead: [first] });
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
