import type { Readable } from 'node:stream';
import type { AuthClient, SpfCheck } from './authenticate.js';
import type { AuthThreadOptions } from './authThread.js';
import type { MessageParts } from './messageParts.js';
import { rememberKeyRecords, rememberParsedPublicKeys } from './publicKeys.js';
import { recentAnswers } from './recent.js';
import { cachedResolver } from './resolver.js';
import type { AuthResults } from './results.js';

export type MessageCheck = (message: MessageParts | Buffer | Readable, client: AuthClient) => Promise<AuthResults>;

/**
 * How the authentication thread checks a message: one DNS cache, each key record read and each
 * key parsed once, and a sender's SPF and a From domain's DMARC verdict reused for a while. The
 * key records are remembered inside mailauth's modules, so this must come before anything loads
 * them (it loads them itself, afterwards).
 */
export async function threadChecks(options: AuthThreadOptions): Promise<MessageCheck> {
  rememberParsedPublicKeys();
  rememberKeyRecords();
  const { authenticateMessage, checkSpf, rememberedDmarc } = await import('./authenticate.js');
  const resolver = cachedResolver(options.dns);
  const recentSpf = recentAnswers<Awaited<ReturnType<SpfCheck>>>(
    options.dns.cacheTtlMs,
    (found) => found?.status.result === 'temperror',
  );
  const spf: SpfCheck = (client) =>
    recentSpf(JSON.stringify([client.ip, client.helo, client.mailFrom]), () =>
      checkSpf(client, { authservId: options.authservId, resolver }),
    );
  const dmarc = rememberedDmarc(options.dns.cacheTtlMs);
  return (message, client) => authenticateMessage(message, client, { resolver, spf, dmarc });
}
