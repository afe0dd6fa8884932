import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface BenchServer {
  port: number;
  pid: number;
  dir: string;
  /** Peak resident memory of the server process so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export const BENCH_RECIPIENT = 'incoming+b7-0123456789abcdefghijklmno@postroom.test';

/** Starts `postroom serve` as its own process on a private spool with the default durability. */
export async function startBenchServer(maxMessageSize = '25MB', routing = true): Promise<BenchServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-bench-'));
  const config = path.join(dir, 'postroom.yml');
  writeFileSync(
    config,
    `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_message_size: ${maxMessageSize}, max_clients: 500, verify_keys: false }
store: { path: ${path.join(dir, 'spool.db')} }
tracker: { path: ${path.join(dir, 'tracker.db')} }
outgoing: { enabled: false }
worker: { enabled: ${routing} }
log: { level: info }
`,
  );
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/src/cli/main.js', 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`postroom exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"postroom listening"')) return;
      resolve(Number(String((JSON.parse(line) as { smtp: string }).smtp).split(':').pop()));
    });
  });
  return {
    port,
    pid: child.pid!,
    dir,
    peakRssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
