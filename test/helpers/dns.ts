import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { waitFor } from './waitFor.js';

/** Debian's dnsmasq-base (.ci/install-peers.sh installs it); tests that need it skip without it. */
export const dnsmasqAvailable = spawnSync('dnsmasq', ['--version']).status === 0;

// The only zones our test domains live in: dnsmasq answers them from its own records alone
// (NXDOMAIN for the rest), and refuses everything else, so no test ever asks the real DNS.
const LOCAL_ZONES = ['test', 'example', 'invalid'];
// A TXT record is a list of strings of at most 255 bytes each.
const TXT_STRING_BYTES = 255;

export interface TestDns {
  /** `127.0.0.1:<port>`, for `sender_auth.dns_servers`. */
  server: string;
  stop(): Promise<void>;
}

/** A private dnsmasq on a free loopback port serving these TXT records (name → text). */
export async function startDns(txt: Record<string, string>): Promise<TestDns> {
  const port = await freeUdpPort();
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    '--pid-file=',
    '--user=root',
    '--bind-interfaces',
    '--listen-address=127.0.0.1',
    `--port=${port}`,
    ...LOCAL_ZONES.map((zone) => `--local=/${zone}/`),
    ...Object.entries(txt).map(([name, text]) => `--txt-record=${name},${txtStrings(text)}`),
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const server = `127.0.0.1:${port}`;
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  await waitFor(
    async () => {
      if (exited) throw new Error('dnsmasq exited at start');
      return resolver.resolveTxt('ready.invalid').then(
        () => true,
        (error: NodeJS.ErrnoException) => error.code === 'ENOTFOUND',
      );
    },
    5000,
    'dnsmasq answering',
  );
  return {
    server,
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A UDP port that takes questions and never answers: DNS that is down without saying so. */
export async function startSilentDns(): Promise<TestDns> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** An RSA key for DKIM signing and the TXT record that publishes it. */
export function dkimKey(): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

/** dnsmasq's command line takes a record's strings comma-separated and keeps quotes literally. */
function txtStrings(text: string): string {
  if (text.includes(',')) throw new Error(`a TXT record for these tests cannot hold a comma: ${text}`);
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += TXT_STRING_BYTES) parts.push(text.slice(at, at + TXT_STRING_BYTES));
  return parts.join(',');
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
