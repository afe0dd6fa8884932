import type { Section } from './reader.js';
import type { ProcessingConfig } from './types.js';

/**
 * Deliveries routed at once. Their outcomes (and the next claims) are written together, so this
 * is also how many share one spool transaction: draining a backlog of 20,000, 4 at once routed
 * 3,840 msg/s, 8 4,470, 16 4,660, 32 and 64 no more than 16.
 */
const DEFAULT_CONCURRENCY = 16;

/**
 * The routing thread's long-lived heap. Left to V8 it may grow to a quarter of the machine's
 * memory, and V8 sizes its collections by that: garbage of large messages piled up, and 50
 * concurrent 1 MB replies took the process from 115 to 250-285 MiB (213-242 at this limit).
 * 256 MiB routes a 25 MB plain reply and HTML of up to 524,288 nodes (htmlNodesWithin: a larger
 * body is a dead letter at once); a message that needs more anyway kills the thread, and after
 * three such deaths with nothing else in flight it is a dead letter (WorkQueue.recoverInterrupted).
 */
const DEFAULT_HEAP_LIMIT = 256 * 1024 * 1024;
// Below this the routing thread cannot load its code and open its files (it starts at 15-20 MB).
const MIN_HEAP_LIMIT = 32 * 1024 * 1024;

function readHeapLimit(worker: Section): number {
  const limit = worker.size('heap_limit', DEFAULT_HEAP_LIMIT);
  if (limit >= MIN_HEAP_LIMIT) return limit;
  worker.fail('heap_limit', `must be at least 32MB, for the routing thread to start at all, got ${limit} bytes`);
  return DEFAULT_HEAP_LIMIT;
}

/** Where routed actions land (`sink`), the embedded tracker's file, and the worker's retry rules. */
export function readProcessing(root: Section, resolvePath: (file: string) => string): ProcessingConfig {
  const sink = root.oneOf('sink', ['embedded', 'gitlab'] as const, 'embedded');
  const tracker = root.section('tracker');
  const trackerPath = resolvePath(tracker.string('path', './data/tracker.db'));
  tracker.rejectUnknown();
  const worker = root.section('worker');
  const config: ProcessingConfig = {
    sink,
    tracker: { path: trackerPath },
    worker: {
      enabled: worker.boolean('enabled', true),
      concurrency: worker.integer('concurrency', DEFAULT_CONCURRENCY, 1, 64),
      memoryBudget: worker.size('memory_budget', 8 * 1024 * 1024),
      heapLimit: readHeapLimit(worker),
      retryBaseMs: worker.duration('retry_base', 30_000, 10, 86_400_000),
      retryMaxMs: worker.duration('retry_max', 3_600_000, 10, 7 * 86_400_000),
      maxAttempts: worker.integer('max_attempts', 12, 1, 1000),
      maxAgeMs: worker.duration('max_age', 48 * 3_600_000, 1000, 90 * 86_400_000),
    },
  };
  worker.rejectUnknown();
  return config;
}
