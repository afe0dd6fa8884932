// The routing thread gives way to the SMTP threads when the cores are busy (issue 13): its nice
// value is raised for that thread alone, never for the process.
import { readFileSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const PRIORITY = new URL('../../dist/src/threads/priority.js', import.meta.url).href;

/** Field 19 of /proc/<pid>/task/<tid>/stat; the name (field 2) may hold spaces, so count from its end. */
function niceOf(taskPath: string): number {
  const stat = readFileSync(`${taskPath}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.runIf(process.platform === 'linux')('a thread that lowers its priority', () => {
  it('is the only one whose nice value changes', async () => {
    const before = niceOf('/proc/thread-self');
    const thread = new Worker(
      `import { parentPort } from 'node:worker_threads';
       import { readlinkSync } from 'node:fs';
       const { lowerThreadPriority } = await import(${JSON.stringify(PRIORITY)});
       parentPort.postMessage({ result: lowerThreadPriority(7), task: '/proc/' + readlinkSync('/proc/thread-self') });
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      const { result, task } = await new Promise<{ result: { lowered: boolean }; task: string }>((resolve) =>
        thread.once('message', resolve),
      );
      expect(result).toEqual({ lowered: true });
      expect(niceOf(task)).toBe(Math.max(before, 7));
      expect(niceOf(`/proc/${readlinkSync('/proc/thread-self')}`)).toBe(before);
    } finally {
      await thread.terminate();
    }
  });
});
