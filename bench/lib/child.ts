import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

// A bench that ends any way but SIGKILL takes its servers with it: a closed stdout pipe (`| head`),
// Ctrl-C, a TERM from a supervisor, or an exception.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + 1);
  });
}
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

export interface ServerChild {
  child: ChildProcess;
  /** The SMTP port the server announced in its `postroom listening` line. */
  port: number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `postroom serve` on a config file as a child that cannot outlive the bench. */
export async function spawnServer(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<ServerChild> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      'dist/src/cli/main.js',
      'serve',
      '--config',
      configFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`postroom exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"postroom listening"')) return;
      resolve(
        Number(
          String((JSON.parse(line) as { smtp: string }).smtp)
            .split(':')
            .pop(),
        ),
      );
    });
  });
  return {
    child,
    port,
    stop: () => stopChild(child),
  };
}

/** Starts a bench anchor (a script under dist/bench/anchors that prints `listening <port>`, maybe more after it), tracked like a server. */
export async function spawnAnchor(script: string): Promise<ServerChild> {
  const child = spawn(process.execPath, [`dist/bench/anchors/${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const listening = /^listening (\d+)\b/.exec(line);
      if (listening) resolve(Number(listening[1]));
    });
  });
  return { child, port, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
