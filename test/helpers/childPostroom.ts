import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildPostroom {
  child: ChildProcess;
  port: number;
  /** Every JSON log line seen so far. */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Runs the built CLI (`postroom serve`) as a real process and waits until it listens. */
export async function startChildPostroom(
  configText: string,
  dir: string,
  env: Record<string, string> = {},
): Promise<ChildPostroom> {
  const configFile = path.join(dir, 'postroom.yml');
  writeFileSync(configFile, configText);
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', '--config', configFile], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never said it listens must not outlive the test that waited for it.
      child.kill('SIGKILL');
      reject(new Error(`postroom did not start within 15 s: ${stderr}`));
    }, 15_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'postroom listening') {
        clearTimeout(timer);
        resolve(Number(String(entry.smtp).split(':').pop()));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postroom exited with ${code} before listening: ${stderr}`));
    });
  });
  return { child, port, logs, exited };
}
