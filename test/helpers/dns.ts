import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { dkimKey, startDns, type LocalDns } from '../../bench/lib/dns.js';

/** Debian's dnsmasq-base (.ci/install-peers.sh installs it); tests that need it skip without it. */
export const dnsmasqAvailable = spawnSync('dnsmasq', ['--version']).status === 0;

export type TestDns = LocalDns;
/** A private dnsmasq on loopback serving TXT records for SPF, DKIM and DMARC, and DKIM keys (shared with the bench). */
export { dkimKey, startDns };

/** A UDP port that takes questions and never answers: DNS that is down without saying so. */
export async function startSilentDns(): Promise<TestDns> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
