import type { ResourceLimits } from 'node:worker_threads';

/**
 * V8's limits for Postroom's threads. Left alone, a thread's young generation may grow to 48 MiB
 * (two 16 MiB semi-spaces and a large-object space as big), which idle threads keep after start
 * and busy ones fill between collections. At 6 MiB it is collected more often, each time cheaply:
 * what the threads keep is small, and most of what they allocate dies young. The old generation
 * keeps V8's limit: a thread must not fail on a large message.
 */
export const THREAD_HEAP_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6 };
