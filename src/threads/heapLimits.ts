import type { ResourceLimits } from 'node:worker_threads';

/**
 * V8's limits for Postroom's threads. Left alone, a thread's young generation may grow to 48 MiB
 * (two 16 MiB semi-spaces and a large-object space as big), which idle threads keep after start
 * and busy ones fill between collections. At 6 MiB it is collected more often, each time cheaply:
 * what the threads keep is small, and most of what they allocate dies young. The old generation
 * keeps V8's limit: a thread must not fail on a large message.
 */
export const THREAD_HEAP_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6 };

/**
 * The routing thread allocates far more per message than the others (the parsed mail, the
 * reply's text, its rows), and with 16 deliveries in flight much of it is still alive at each
 * collection: at 6 MiB, scavenges took 17% of its time draining a backlog. 16 MiB routes 7-10%
 * faster for about 7 MiB more at rest (bench:memory stays under 250 MiB). Its old generation is
 * `worker.heap_limit` (see readProcessing).
 */
export function routingHeapLimits(heapLimitBytes: number): ResourceLimits {
  return { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: Math.ceil(heapLimitBytes / (1024 * 1024)) };
}
