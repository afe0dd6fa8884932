import net from 'node:net';
import type { Section } from './reader.js';
import type { RelayNetwork, SenderAuthConfig } from './types.js';

const DEFAULT_DNS_TIMEOUT_MS = 2000;
// Long enough for a few slow lookups in a row (SPF includes), short of a client's DATA timeout.
const DEFAULT_DEADLINE_MS = 15_000;
const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

/** The `sender_auth` section: SPF, DKIM, DMARC and ARC at end of DATA, and who may act as a user. */
export function readSenderAuth(section: Section): SenderAuthConfig {
  const servers = section.stringList('dns_servers') ?? [];
  for (const server of servers) {
    if (!dnsServer(server)) section.fail('dns_servers', `${JSON.stringify(server)} is not an ip or ip:port`);
  }
  const config: SenderAuthConfig = {
    enabled: section.boolean('enabled', false),
    dnsServers: servers,
    dnsTimeoutMs: section.duration('dns_timeout', DEFAULT_DNS_TIMEOUT_MS, 100, 60_000),
    deadlineMs: section.duration('deadline', DEFAULT_DEADLINE_MS, 100, 120_000),
    cacheTtlMs: section.duration('cache_ttl', DEFAULT_CACHE_TTL_MS, 0, 86_400_000),
    dmarcReject: section.boolean('dmarc_reject', true),
    identity: section.oneOf('identity', ['author', 'gitlab'] as const, 'author'),
    require: section.oneOf('require', ['not_failed', 'aligned', 'off'] as const, 'not_failed'),
    trustedAuthservIds: (section.stringList('trusted_authserv_ids') ?? []).map((id) => id.trim().toLowerCase()),
  };
  if (config.require === 'aligned' && !config.enabled && config.trustedAuthservIds.length === 0)
    section.fail('require', 'aligned needs enabled: true or trusted_authserv_ids, or no mail could ever act as a user');
  section.rejectUnknown();
  return config;
}

/** `smtp.trusted_relays`: the peers whose XCLIENT/XFORWARD are believed (addresses or CIDRs). */
export function readTrustedRelays(smtp: Section): RelayNetwork[] {
  const networks: RelayNetwork[] = [];
  for (const entry of smtp.stringList('trusted_relays') ?? []) {
    const [address, bits, extra] = entry.trim().split('/');
    const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
    const max = family === 'ipv4' ? 32 : 128;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      smtp.fail('trusted_relays', `${JSON.stringify(entry)} is not an address or CIDR such as 10.0.0.0/8`);
      continue;
    }
    networks.push({ address, prefix, family });
  }
  return networks;
}

function dnsServer(server: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(server);
  if (bracketed) return net.isIPv6(bracketed[1]);
  if (net.isIP(server)) return true;
  const [host, port] = server.split(':');
  return net.isIPv4(host) && /^\d{1,5}$/.test(port ?? '');
}
