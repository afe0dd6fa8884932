// A bench that is interrupted takes its Postroom server with it (issue 13: a bench killed by a
// closed pipe once left its server running).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/waitFor.js';

/** Pids of live processes whose environment carries the tag (children inherit it). */
function tagged(tag: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`BENCH_TAG=${tag}`)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function isServer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('serve');
  } catch {
    return false;
  }
}

describe('bench servers', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stop when the bench gets ${signal} mid-run`, async () => {
      const tag = randomUUID();
      const bench = spawn(process.execPath, ['dist/bench/e2e.js'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BENCH_TAG: tag, BENCH_SECONDS: '60', BENCH_RATE: '5' },
      });
      const exited = new Promise((resolve) => bench.once('exit', resolve));
      await waitFor(() => tagged(tag).some(isServer), 30_000, 'the bench started its server');
      bench.kill(signal);
      await exited;
      await waitFor(() => tagged(tag).length === 0, 10_000, 'the server is gone');
      expect(tagged(tag)).toEqual([]);
    });
  }
});
