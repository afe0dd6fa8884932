import { Resolver } from 'node:dns/promises';

export interface DnsOptions {
  /** `ip` or `ip:port` (`[v6]:port`); empty uses the system's resolvers. */
  servers: string[];
  /** Per query attempt; c-ares tries twice. */
  timeoutMs: number;
  /** How long an answer (or a "no such name") is reused. */
  cacheTtlMs: number;
}

/** What mailauth asks for: `dns.resolve`'s shape. */
export type DnsLookup = (name: string, rrtype: string) => Promise<never[]>;

// Answers that say "nothing here" are as cacheable as records; timeouts and refusals are not.
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);
const MAX_ENTRIES = 10_000;

interface Entry {
  expires: number;
  answer: Promise<never[]>;
}

/**
 * A resolver with a cache and bounded waits, shared by every message: the same sender's SPF,
 * DKIM key and DMARC record are looked up once per TTL, not once per message. Concurrent
 * questions for the same name share one query.
 */
export function cachedResolver(options: DnsOptions, now: () => number = Date.now): DnsLookup {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 2 });
  if (options.servers.length > 0) resolver.setServers(options.servers);
  const cache = new Map<string, Entry>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.answer;
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    const answer = resolver.resolve(name, rrtype) as Promise<never[]>;
    const entry = { expires: now() + options.cacheTtlMs, answer };
    cache.set(key, entry);
    answer.catch((error: NodeJS.ErrnoException) => {
      if (!NEGATIVE.has(error.code ?? '') && cache.get(key) === entry) cache.delete(key);
    });
    return answer;
  };
}
