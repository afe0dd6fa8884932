// Postroom's threads run with a small young generation (issue 9, item 4): left to V8, a busy
// thread's grows to 32 MiB of semi-spaces and stays there.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { THREAD_HEAP_LIMITS } from '../../src/threads/heapLimits.js';
import { superviseThread, type Supervised } from '../../src/threads/supervisor.js';

const MB = 1024 * 1024;
let supervised: Supervised | undefined;
afterEach(async () => {
  await supervised?.stop(() => supervised?.post('stop'));
  supervised = undefined;
});

describe('a supervised thread', () => {
  it("keeps its young generation within Postroom's limit however much it allocates", async () => {
    let answer: (youngBytes: number) => void = () => undefined;
    const reached = new Promise<number>((resolve) => (answer = resolve));
    supervised = await superviseThread({
      entry: new URL('./churnThread.mjs', import.meta.url),
      options: {},
      logger: pino({ level: 'silent' }),
      isReady: (message) => message === 'ready',
      startFailure: () => undefined,
      onMessage: (message) => answer((message as { youngBytes: number }).youngBytes),
      onExit: () => undefined,
    });
    supervised.post('churn');
    expect(await reached).toBeLessThanOrEqual(THREAD_HEAP_LIMITS.maxYoungGenerationSizeMb! * MB);
  });
});
