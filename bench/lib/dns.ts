import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';

// The only zones test and bench domains live in: dnsmasq answers them from its own records alone
// (NXDOMAIN for the rest) and refuses everything else, so nothing ever asks the real DNS.
const LOCAL_ZONES = ['test', 'example', 'invalid'];
// A TXT record is a list of strings of at most 255 bytes each.
const TXT_STRING_BYTES = 255;
const START_TIMEOUT_MS = 5000;

export interface LocalDns {
  /** `127.0.0.1:<port>`, for `sender_auth.dns_servers`. */
  server: string;
  stop(): Promise<void>;
}

// A free UDP port can still be taken over TCP (dnsmasq binds both): a new port is tried then.
const START_ATTEMPTS = 3;

/** A private dnsmasq (Debian's dnsmasq-base) on a free loopback port serving these TXT records. */
export async function startDns(txt: Record<string, string>): Promise<LocalDns> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await freeUdpPort(), txt);
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function launch(port: number, txt: Record<string, string>): Promise<LocalDns> {
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
    '--log-facility=-',
    ...LOCAL_ZONES.map((zone) => `--local=/${zone}/`),
    ...Object.entries(txt).map(([name, text]) => `--txt-record=${name},${txtStrings(text)}`),
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr?.on('data', (data: Buffer) => (said = (said + data.toString()).slice(-2000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const server = `127.0.0.1:${port}`;
  await answering(server, () => exited).catch((error: Error) => {
    child.kill('SIGTERM');
    throw new Error(`${error.message}: ${said.trim()}`);
  });
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

/** Polls until the server says NXDOMAIN for a name it does not have. */
async function answering(server: string, exited: () => boolean): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([server]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new Error('dnsmasq exited at start');
    const code = await resolver.resolveTxt('ready.invalid').then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    if (code === 'ENOTFOUND') return;
    if (Date.now() > deadline) throw new Error(`dnsmasq on ${server} did not answer within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** dnsmasq's command line takes a record's strings comma-separated and keeps quotes literally. */
function txtStrings(text: string): string {
  if (text.includes(',')) throw new Error(`a TXT record served this way cannot hold a comma: ${text}`);
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

/** An RSA key for DKIM signing and the TXT record that publishes it. */
export function dkimKey(): { privateKey: string; record: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

/** SPF (127.0.0.1 only), a DKIM key and DMARC p=reject for client.test, the bench's sending domain. */
export function benchRecords(key: ReturnType<typeof dkimKey>): Record<string, string> {
  return {
    'client.test': 'v=spf1 ip4:127.0.0.1 -all',
    'bench._domainkey.client.test': key.record,
    '_dmarc.client.test': 'v=DMARC1; p=reject',
  };
}
