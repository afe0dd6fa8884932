import net from 'node:net';
import type { RelayNetwork } from '../config/index.js';

/**
 * smtp-server trusts XCLIENT/XFORWARD from a list of exact addresses, read each time a command
 * is checked. This list holds the address of every connected peer that lies in a trusted
 * network, added at connect and removed with its last connection, so a CIDR works and the list
 * never grows past the connections open.
 */
export class TrustedRelays {
  /** Handed to smtp-server as `useXClient` / `useXForward`. */
  readonly connected: string[] = [];
  private readonly networks = new net.BlockList();
  private readonly counts = new Map<string, number>();
  /** Session id → the peer it was admitted as (XFORWARD later rewrites the session's address). */
  private readonly sessions = new Map<string, string>();

  constructor(networks: readonly RelayNetwork[]) {
    for (const { address, prefix, family } of networks) this.networks.addSubnet(address, prefix, family);
  }

  /** Called at connect with the socket's peer; answers whether it may name another client. */
  admit(sessionId: string, address: string): boolean {
    const peer = address.replace(/^::ffff:/i, '');
    const trusted = this.networks.check(peer, net.isIPv6(peer) ? 'ipv6' : 'ipv4');
    if (!trusted) return false;
    this.sessions.set(sessionId, peer);
    const count = this.counts.get(peer) ?? 0;
    if (count === 0) this.connected.push(peer);
    this.counts.set(peer, count + 1);
    return true;
  }

  /** Did this session come from a trusted relay (whose client is no longer connected to us)? */
  relayed(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  release(sessionId: string): void {
    const peer = this.sessions.get(sessionId);
    if (peer === undefined) return;
    this.sessions.delete(sessionId);
    const count = this.counts.get(peer) ?? 1;
    if (count > 1) return void this.counts.set(peer, count - 1);
    this.counts.delete(peer);
    this.connected.splice(this.connected.indexOf(peer), 1);
  }
}
