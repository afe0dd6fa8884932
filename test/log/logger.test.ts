import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built logger in a process of its own: what reaches stdout is what an operator would see.
const LOGGER = pathToFileURL('dist/src/log/logger.js').href;

function run(script: string): { lines: Promise<string[]>; exitCode: Promise<number | null> } {
  const child = spawn(process.execPath, [
    '--input-type=module',
    '-e',
    `import { createLogger } from '${LOGGER}';\n${script}`,
  ]);
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const exitCode = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { lines: exitCode.then(() => lines), exitCode };
}

describe('the log sink gathers lines into fewer writes', () => {
  it('keeps the lines written just before an uncaught error', async () => {
    const child = run(`const log = createLogger('info');
      for (let i = 0; i < 3; i++) log.info({ i }, 'before the crash');
      setImmediate(() => { throw new Error('boom'); });`);
    expect(await child.exitCode).not.toBe(0);
    const lines = (await child.lines).map((line) => JSON.parse(line) as { msg: string; i: number });
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2]);
  });

  it('writes a lone line of an idle process without waiting for more', async () => {
    // The process stays alive until its line is seen on stdout; then the test ends it.
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import { createLogger } from '${LOGGER}';\ncreateLogger('info').info('alone');\nsetInterval(() => {}, 1000);`,
    ]);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', (first) => resolve(first)),
    );
    child.kill('SIGKILL');
    expect(JSON.parse(line)).toMatchObject({ msg: 'alone', service: 'postroom' });
  });
});
