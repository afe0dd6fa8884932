import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** What a finished command said; a non-zero exit is a value here, not an exception. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell, killing it after `timeoutMs`. */
export function run(file: string, args: string[], timeoutMs = 15_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(
          new Error(
            `${file} ${args.join(' ')}: ${error.killed ? `killed after ${timeoutMs} ms` : error.message}\n${stderr}`,
          ),
        );
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

async function mustRun(file: string, args: string[], timeoutMs?: number): Promise<string> {
  const result = await run(file, args, timeoutMs);
  if (result.code !== 0)
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

const SYSTEM_MASTER_CF = '/etc/postfix/master.cf';
const PROGRAMS = ['postfix', 'postconf', 'postmap', 'postqueue', 'swaks'];

function onPath(program: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin']);
  return dirs.some((dir) => dir && existsSync(path.join(dir, program)));
}

/**
 * Why a private Postfix cannot run here, or undefined when it can. Postfix's master must start
 * as root (it binds the port, then drops each daemon to `mail_owner`), so non-root runs skip too.
 */
export function postfixUnavailable(): string | undefined {
  const missing = PROGRAMS.filter((p) => !onPath(p));
  if (missing.length > 0) return `not installed: ${missing.join(', ')} (see .ci/install-peers.sh)`;
  if (!existsSync(SYSTEM_MASTER_CF)) return `${SYSTEM_MASTER_CF} is missing`;
  if (process.getuid?.() !== 0) return 'a Postfix master must be started as root';
  return undefined;
}

/** One message in Postfix's queue, as `postqueue -j` describes it. */
export interface QueuedMessage {
  queue_name: 'incoming' | 'active' | 'deferred' | 'hold' | 'maildrop' | string;
  queue_id: string;
  sender: string;
  recipients: { address: string; delay_reason?: string }[];
}

export interface PrivatePostfix {
  /** The loopback port its smtpd listens on. */
  port: number;
  version: string;
  configDir: string;
  queueDir: string;
  /** The whole of its log so far (`maillog_file`). */
  log(): string;
  queue(): Promise<QueuedMessage[]>;
  /** `postqueue -f`: try every deferred message now. */
  flush(): Promise<void>;
  /** Stops the master and everything under it, then removes the directory; safe to call twice. */
  cleanup(): Promise<void>;
}

export interface PrivatePostfixOptions {
  /** Postroom's SMTP port on 127.0.0.1: the relay target for `domain`. */
  relayPort: number;
  domain?: string;
  /** Extra or overriding main.cf settings. */
  mainCf?: Record<string, string>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The main.cf of a relay that asks Postroom about every recipient before it accepts one. */
function mainCf(
  dir: string,
  options: Required<Omit<PrivatePostfixOptions, 'mainCf'>> & { mainCf: Record<string, string> },
): string {
  const settings: Record<string, string> = {
    compatibility_level: '3.6',
    queue_directory: path.join(dir, 'queue'),
    data_directory: path.join(dir, 'data'),
    myhostname: 'relay.postfix.test',
    myorigin: '$myhostname',
    // Nothing is delivered locally: the relay domain must never also be a local destination.
    mydestination: '',
    alias_maps: '',
    alias_database: '',
    local_recipient_maps: '',
    inet_interfaces: 'loopback-only',
    inet_protocols: 'ipv4',
    relay_domains: options.domain,
    transport_maps: `hash:${path.join(dir, 'etc', 'transport')}`,
    // The test client talks from 127.0.0.1, inside the default mynetworks: no permit_mynetworks
    // anywhere, so no client can skip the probe (or use this box as an open relay).
    smtpd_relay_restrictions: 'reject_unauth_destination',
    smtpd_recipient_restrictions: 'reject_unverified_recipient',
    unverified_recipient_reject_code: '550',
    // docs/postfix.md's defence against SMTP smuggling: only CRLF.CRLF ends DATA, for every
    // client (the test client is in mynetworks, which the default exempts), and no command
    // pipelined where RFC 2920 forbids it.
    smtpd_forbid_bare_newline: 'normalize',
    smtpd_forbid_bare_newline_exclusions: '',
    smtpd_forbid_unauth_pipelining: 'yes',
    // Probes land in a cache in data_directory; a test wants answers now and not for long.
    address_verify_poll_delay: '1s',
    address_verify_positive_expire_time: '1h',
    address_verify_negative_expire_time: '1m',
    address_verify_negative_refresh_time: '30s',
    smtp_dns_support_level: 'disabled',
    // Opportunistic STARTTLS towards Postroom, as Debian's stock main.cf does.
    smtp_tls_security_level: 'may',
    queue_run_delay: '2s',
    minimal_backoff_time: '2s',
    maximal_backoff_time: '4s',
    maillog_file: path.join(dir, 'maillog'),
    // Postfix refuses a maillog_file outside these prefixes (default /var, /dev/stdout).
    maillog_file_prefixes: dir,
    ...options.mainCf,
  };
  return Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}\n`)
    .join('');
}

/**
 * A Postfix of our own in a temp directory: own config, queue and data directories, log file and
 * loopback port, relaying `domain` to Postroom. The system's /etc/postfix is only read.
 */
export async function startPrivatePostfix(options: PrivatePostfixOptions): Promise<PrivatePostfix> {
  const domain = options.domain ?? 'postroom.test';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'postroom-postfix-'));
  // The daemons run as `postfix` and must reach the queue and data directories below this one.
  chmodSync(dir, 0o755);
  const configDir = path.join(dir, 'etc');
  const queueDir = path.join(dir, 'queue');
  const masterPidFile = path.join(queueDir, 'pid', 'master.pid');
  mkdirSync(configDir, { mode: 0o755 });
  // `postfix` chdirs into the queue directory before anything else; post-install makes the rest.
  mkdirSync(queueDir, { mode: 0o755 });

  const port = await freePort();
  const maillog = path.join(dir, 'maillog');
  const c = ['-c', configDir];
  let started = false;
  let cleaned = false;

  // If the test process dies without its afterAll, take the master (and its group) along.
  const onExit = () => {
    const pid = masterPid(masterPidFile);
    if (pid !== undefined) signalGroup(pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    process.off('exit', onExit);
    if (started) await stopMaster(configDir, masterPidFile);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    writeFileSync(
      path.join(configDir, 'main.cf'),
      mainCf(dir, { relayPort: options.relayPort, domain, mainCf: options.mainCf ?? {} }),
    );
    writeFileSync(path.join(configDir, 'master.cf'), readFileSync(SYSTEM_MASTER_CF));
    writeFileSync(path.join(configDir, 'transport'), `${domain}\tsmtp:[127.0.0.1]:${options.relayPort}\n`);
    await mustRun('postmap', [...c, path.join(configDir, 'transport')]);
    // Debian chroots most daemons into the queue directory, which then needs copies of
    // /etc/services, resolv.conf and friends; a throwaway instance simply does not chroot.
    await mustRun('postconf', [...c, '-F', '*/*/chroot = n']);
    // The public smtpd moves from port 25 on every interface to a free loopback port.
    await mustRun('postconf', [...c, '-M#', 'smtp/inet']);
    await mustRun('postconf', [...c, '-M', `127.0.0.1:${port}/inet = 127.0.0.1:${port} inet n - n - - smtpd`]);
    // maillog_file is written by the postlog service; Debian's master.cf has it, others may not.
    if (!(await run('postconf', [...c, '-M', 'postlog/unix-dgram'])).stdout.trim()) {
      await mustRun('postconf', [...c, '-M', 'postlog/unix-dgram = postlog unix-dgram n - n - 1 postlogd']);
    }
    await mustRun('postfix', [...c, 'check']);
    started = true;
    await mustRun('postfix', [...c, 'start'], 30_000);
    await waitForPort(port, 10_000);
  } catch (error) {
    const log = existsSync(maillog) ? readFileSync(maillog, 'utf8') : '';
    await cleanup();
    throw new Error(`private Postfix did not start: ${(error as Error).message}\n${log}`);
  }
  const version = (await mustRun('postconf', [...c, '-h', 'mail_version'])).trim();

  return {
    port,
    version,
    configDir,
    queueDir,
    log: () => (existsSync(maillog) ? readFileSync(maillog, 'utf8') : ''),
    async queue() {
      const out = await mustRun('postqueue', [...c, '-j']);
      return out
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as QueuedMessage);
    },
    async flush() {
      await mustRun('postqueue', [...c, '-f']);
    },
    cleanup,
  };
}

function masterPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * `postfix stop` asks the master to end its process group; if it lingers, `postfix abort`, and
 * as the last resort SIGKILL to the master's group (only the pid this instance recorded).
 */
async function stopMaster(configDir: string, pidFile: string): Promise<void> {
  const pid = masterPid(pidFile);
  await run('postfix', ['-c', configDir, 'stop'], 15_000).catch(() => undefined);
  if (pid === undefined || (await waitUntil(() => !alive(pid), 5_000))) return;
  await run('postfix', ['-c', configDir, 'abort'], 10_000).catch(() => undefined);
  if (await waitUntil(() => !alive(pid), 3_000)) return;
  signalGroup(pid, 'SIGKILL');
  await waitUntil(() => !alive(pid), 3_000);
}

/** The master leads its own process group (it calls setsid), so the group is exactly this instance. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // already gone, or not a group leader: try the next form
    }
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What swaks printed and how it ended (0 = delivered, 24 = no recipient accepted, ...). */
export interface SwaksResult {
  code: number;
  transcript: string;
}

export interface SwaksMessage {
  port: number;
  from: string;
  to: string;
  messageId: string;
  subject?: string;
  body?: string;
  /** A file holding the body, for bodies too big for a command-line argument. */
  bodyFile?: string;
  /** The loopback address to connect from (e.g. 127.0.0.2), so a relay's client differs from the relay. */
  localAddress?: string;
}

/** Sends one message with swaks, the way an administrator would test a relay by hand. */
export async function swaks(message: SwaksMessage): Promise<SwaksResult> {
  const result = await run(
    'swaks',
    [
      '--server',
      '127.0.0.1',
      '--port',
      String(message.port),
      '--helo',
      'client.example.net',
      '--from',
      message.from,
      '--to',
      message.to,
      '--header',
      `Message-Id: ${message.messageId}`,
      '--header',
      `Subject: ${message.subject ?? 'Through Postfix'}`,
      ...(message.bodyFile
        ? ['--body', `@${message.bodyFile}`, '--suppress-data']
        : ['--body', message.body ?? 'Relayed by a private Postfix.']),
      ...(message.localAddress ? ['--local-interface', message.localAddress] : []),
      '--timeout',
      '20s',
    ],
    30_000,
  );
  return { code: result.code, transcript: result.stdout + result.stderr };
}
