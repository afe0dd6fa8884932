// How much work one message's reply parsing may take. The loops whose length the sender controls
// call check(); past the budget it throws, and the receiver ends the message as a dead letter
// instead of letting it hold up the routing thread.

export interface Budget {
  /** Throws ReplyBudgetExceeded once the budget is spent; `steps` weighs a call (default one node or line). */
  check(steps?: number): void;
  /** Throws ReplyBudgetExceeded once an HTML document being parsed holds more nodes than the budget allows. */
  checkNodes(nodes: number): void;
}

export class ReplyBudgetExceeded extends Error {
  override readonly name = 'ReplyBudgetExceeded';
}

export const UNLIMITED: Budget = { check: () => undefined, checkNodes: () => undefined };

// Reading the clock on every node would cost more than the node; once per 1,024 steps is enough.
const STEPS_PER_CLOCK_READ = 1024;

// Converting HTML holds its DOM and what is built from it, about 400 bytes a node at the peak
// (dense markup: 2 MB of it, 300,000 nodes, needed some 120 MB). Half the heap is left to the
// rest of routing and to the other messages in flight.
const HEAP_BYTES_PER_HTML_NODE = 512;

/** How many nodes an HTML body may have for its conversion to fit in a heap of this size. */
export function htmlNodesWithin(heapBytes: number): number {
  return Math.floor(heapBytes / HEAP_BYTES_PER_HTML_NODE);
}

export interface ReadingLimits {
  /** Wall-clock time, counted from the budget's creation. */
  ms: number;
  /** Nodes in one HTML body: what its conversion's memory grows with. */
  maxHtmlNodes?: number;
}

/** A budget of wall-clock time, counted from its creation, and of HTML nodes. */
export function readingBudget(limits: ReadingLimits, now: () => number = () => performance.now()): Budget {
  const { ms, maxHtmlNodes = Infinity } = limits;
  const deadline = now() + ms;
  let steps = STEPS_PER_CLOCK_READ;
  return {
    check(weight = 1) {
      steps += weight;
      if (steps < STEPS_PER_CLOCK_READ) return;
      steps = 0;
      if (now() > deadline)
        throw new ReplyBudgetExceeded(
          `reply parsing took longer than its budget of ${ms} ms; the message is too costly`,
        );
    },
    checkNodes(nodes) {
      if (nodes > maxHtmlNodes)
        throw new ReplyBudgetExceeded(
          `its HTML has more than ${maxHtmlNodes} elements and texts, more than worker.heap_limit lets routing convert; the message is too costly`,
        );
    },
  };
}
