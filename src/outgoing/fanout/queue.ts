/** Jobs run one after another, in the order pushed; a failing job is reported and the next one still runs. */
export interface OrderedQueue {
  push(label: string, job: () => Promise<void>): void;
  /** Resolves once every job pushed so far, and any pushed meanwhile, has finished. */
  idle(): Promise<void>;
}

// A fresh macrotask, so a job never runs inside the microtasks of the commit that announced it.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function orderedQueue(onError: (error: unknown, label: string) => void): OrderedQueue {
  let tail: Promise<void> = Promise.resolve();
  return {
    push(label, job) {
      tail = tail
        .then(nextTurn)
        .then(job)
        .catch((error: unknown) => {
          try {
            onError(error, label);
          } catch {
            // the reporter itself failed: the queue must keep going whatever happens
          }
        });
    },
    async idle() {
      let seen: Promise<void>;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
  };
}
