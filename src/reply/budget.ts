// How much work one message's reply parsing may take. The loops whose length the sender controls
// call check(); past the budget it throws, and the receiver ends the message as a dead letter
// instead of letting it hold up the routing thread.

export interface Budget {
  /** Throws ReplyBudgetExceeded once the budget is spent; `steps` weighs a call (default one node or line). */
  check(steps?: number): void;
}

export class ReplyBudgetExceeded extends Error {
  override readonly name = 'ReplyBudgetExceeded';
}

export const UNLIMITED: Budget = { check: () => undefined };

// Reading the clock on every node would cost more than the node; once per 1,024 steps is enough.
const STEPS_PER_CLOCK_READ = 1024;

/** A budget of wall-clock time, counted from its creation. */
export function timeBudget(ms: number, now: () => number = () => performance.now()): Budget {
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
  };
}
