import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { superviseThread, type Supervised } from '../../src/threads/supervisor.js';
import { tempDir } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const entry = new URL('./flakyThread.mjs', import.meta.url);
let supervised: Supervised | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await supervised?.stop(() => supervised?.post('stop'));
  cleanup?.();
  supervised = cleanup = undefined;
});

async function supervise(failOn: number[]) {
  const made = tempDir();
  cleanup = made.cleanup;
  const file = path.join(made.dir, 'starts');
  supervised = await superviseThread({
    entry,
    options: { workerData: { file, failOn } },
    logger: pino({ level: 'silent' }),
    isReady: (message) => message === 'ready',
    startFailure: () => undefined,
    onMessage: () => undefined,
    onExit: () => undefined,
    backoff: { firstMs: 10, maxMs: 40, stableMs: 60_000 },
  });
  return { supervised, starts: () => Number(readFileSync(file, 'utf8')) };
}

describe('a supervised thread', () => {
  it('that dies is started again, however many restarts fail first', async () => {
    const { supervised, starts } = await supervise([2, 3, 4, 5, 6]);
    supervised.post('crash');
    await waitFor(() => starts() === 7 && supervised.running(), 10_000, 'running again after five failed starts');
    expect(supervised.restarts()).toBe(6);
  });

  it('that dies again and again keeps coming back', async () => {
    const { supervised, starts } = await supervise([]);
    for (let crash = 1; crash <= 4; crash++) {
      await waitFor(() => supervised.running(), 5000, `running before crash ${crash}`);
      supervised.post('crash');
      await waitFor(() => starts() === crash + 1, 5000, `restart ${crash}`);
    }
    await waitFor(() => supervised.running(), 5000, 'running at the end');
    expect(supervised.restarts()).toBe(4);
  });

  it('that cannot start the first time fails its caller: that is a configuration error', async () => {
    await expect(supervise([1])).rejects.toThrow(/start 1 fails/);
  });
});
