import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { waitFor } from './waitFor.js';

/** Where Debian puts the binary; PATH first so a local build wins. */
export function findDovecot(): string | undefined {
  for (const candidate of ['dovecot', '/usr/sbin/dovecot']) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export const dovecotBinary = findDovecot();

export interface DovecotUser {
  user: string;
  password: string;
}

export interface PrivateDovecot {
  host: string;
  /** IMAP: cleartext, offering STARTTLS when the server has a certificate. */
  port: number;
  /** IMAPS (TLS from the first byte); only with a certificate. */
  tlsPort?: number;
  version: string;
  user: DovecotUser;
  /** (Re)starts the server on the same port, with the same mail. */
  start(): Promise<void>;
  /** Ends the master and its children (SIGTERM), and waits until they are gone. */
  stop(): Promise<void>;
  /** SIGKILL to the master and its children: connections drop at once, nothing is said. */
  kill(): Promise<void>;
}

/** A connection as the mailbox owner's own mail client would have one, for the length of `work`. */
export async function asMailboxOwner<T>(dovecot: PrivateDovecot, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: dovecot.user.user, pass: dovecot.user.password },
    logger: false,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A Dovecot of our own under `dir`: its own base_dir, state, log and Maildirs, listening on a
 * loopback port with cleartext PLAIN login, so tests touch nothing in /etc. The settings are
 * Dovecot 2.3's (Debian 12); 2.4 renamed several (e.g. disable_plaintext_auth, mail_location).
 */
export async function createDovecot(
  dir: string,
  user: DovecotUser = { user: 'mailroom', password: 'secret' },
  options: { tls?: { cert: string; key: string }; moreUsers?: DovecotUser[] } = {},
): Promise<PrivateDovecot> {
  if (!dovecotBinary) throw new Error('dovecot is not installed');
  const binary = dovecotBinary;
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const baseDir = path.join(dir, 'run');
  const mailDir = path.join(dir, 'mail');
  for (const d of [baseDir, path.join(dir, 'state'), mailDir]) mkdirSync(d, { recursive: true });

  // Dovecot refuses mail access as uid 0, and drops login processes to unprivileged users, so as
  // root the mail belongs to nobody; as anyone else every process simply runs as that user.
  const asRoot = process.getuid?.() === 0;
  const account = asRoot
    ? { uid: 65534, gid: 65534, name: 'nobody' }
    : { uid: process.getuid!(), gid: process.getgid!(), name: os.userInfo().username };
  if (asRoot) {
    chmodSync(dir, 0o755);
    chownSync(mailDir, account.uid, account.gid);
  }
  const passwd = path.join(dir, 'passwd');
  writeFileSync(
    passwd,
    [user, ...(options.moreUsers ?? [])].map((each) => `${each.user}:{PLAIN}${each.password}\n`).join(''),
  );

  const configFile = path.join(dir, 'dovecot.conf');
  writeFileSync(
    configFile,
    `base_dir = ${baseDir}
state_dir = ${path.join(dir, 'state')}
log_path = ${path.join(dir, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
${options.tls ? `ssl = yes\nssl_cert = <${options.tls.cert}\nssl_key = <${options.tls.key}` : 'ssl = no'}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${mailDir}/%u/Maildir
first_valid_uid = ${Math.min(account.uid, 500)}
default_internal_user = ${asRoot ? 'dovecot' : account.name}
default_login_user = ${asRoot ? 'dovenull' : account.name}
${asRoot ? '' : `default_internal_group = ${groupName(account.gid)}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${account.uid} gid=${account.gid} home=${mailDir}/%u
}
# Without root there is no chroot; as root it does no harm to skip it in a test.
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    ${tlsPort ? `address = 127.0.0.1\n    port = ${tlsPort}\n    ssl = yes` : 'port = 0'}
  }
}
`,
  );

  const pidFile = path.join(baseDir, 'master.pid');
  const masterPid = (): number | undefined =>
    existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;

  // The master alone is not enough: a session's imap process outlives it for seconds.
  async function signalAll(signal: NodeJS.Signals): Promise<void> {
    const pid = masterPid();
    if (pid === undefined || !isAlive(pid)) return;
    const pids = [pid, ...childrenOf(pid)];
    for (const each of pids) {
      try {
        process.kill(each, signal);
      } catch {
        // already gone
      }
    }
    await waitFor(
      async () => pids.every((each) => !isAlive(each)) && !(await canConnect(port)),
      // Generous: on a loaded two-core machine a session's imap process can take seconds to go.
      15_000,
      'dovecot did not stop',
    );
  }

  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    version,
    user,
    async start() {
      // The daemon keeps its parent's stdout/stderr open, so a pipe would never close: a file.
      const output = openSync(path.join(dir, 'dovecot.stderr'), 'a');
      try {
        execFileSync(binary, ['-c', configFile], { stdio: ['ignore', output, output] });
      } catch (error) {
        throw new Error(`dovecot -c ${configFile} failed: ${readFileSync(path.join(dir, 'dovecot.stderr'), 'utf8')}`, {
          cause: error,
        });
      } finally {
        closeSync(output);
      }
      await waitFor(
        () => canConnect(port),
        5000,
        `dovecot did not listen on ${port}; see ${path.join(dir, 'dovecot.log')}`,
      );
    },
    stop: () => signalAll('SIGTERM'),
    kill: () => signalAll('SIGKILL'),
  };
}

/** Direct children, from /proc (Linux): field 4 of /proc/<pid>/stat is the parent. */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((entry) => entry.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? os.userInfo().username;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
