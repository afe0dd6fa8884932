import crypto, { type KeyObject, type PublicKeyInput } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DnsLookup } from './resolver.js';

const MAX_KEYS = 1_000;

type KeyInput = Parameters<typeof crypto.createPublicKey>[0];

/**
 * mailauth parses the DKIM key it looked up twice for every signature it checks (into a
 * KeyObject, then again from the PEM it exports when verifying), and with OpenSSL 3 each parse
 * costs more than the RSA verification itself. A key parsed from the same bytes is the same key,
 * so in the authentication thread (and only there) parses are remembered by those bytes: which
 * key a message is checked with still comes from DNS each time, through the resolver's cache.
 */
export function rememberParsedPublicKeys(): void {
  const { createPublicKey, verify } = crypto;
  const remembered = (known: Map<string, KeyObject>, id: string, input: KeyInput): KeyObject => {
    const found = known.get(id);
    if (found) return found;
    const key = createPublicKey(input);
    if (known.size >= MAX_KEYS) known.delete(known.keys().next().value as string);
    known.set(id, key);
    return key;
  };
  // A bare string is a PEM, kept by itself: mailauth passes the same string each time, whose hash
  // is then computed once.
  const pems = new Map<string, KeyObject>();
  const parsed = new Map<string, KeyObject>();
  const publicKey = (input: KeyInput): KeyObject => {
    if (typeof input === 'string') return remembered(pems, input, input);
    const id = identity(input);
    return id === undefined ? createPublicKey(input) : remembered(parsed, id, input);
  };
  crypto.createPublicKey = publicKey;
  // Only a bare PEM: a key given as an object may carry verification options (padding, salt length).
  crypto.verify = ((...args: unknown[]) => {
    const key = args[2];
    if (typeof key === 'string' || Buffer.isBuffer(key)) args[2] = publicKey(key);
    return Reflect.apply(verify, crypto, args) as unknown;
  }) as typeof verify;
}

/** The input's bytes with how to read them, or undefined for a shape not worth keeping (a KeyObject, a JWK). */
function identity(input: Exclude<KeyInput, string>): string | undefined {
  if (Buffer.isBuffer(input)) return `buffer pem ${input.toString('latin1')}`;
  if (typeof input !== 'object' || input === null || input instanceof crypto.KeyObject) return undefined;
  const { key, format, type, encoding } = input as PublicKeyInput & { key: unknown };
  if (typeof key === 'string') return `string ${format ?? 'pem'} ${type ?? ''} ${encoding ?? ''} ${key}`;
  if (Buffer.isBuffer(key)) return `buffer ${format ?? 'pem'} ${type ?? ''} ${key.toString('latin1')}`;
  return undefined;
}

/** mailauth's getPublicKey: the key a DKIM or ARC signature names, from its DNS record, or the reason there is none. */
export type KeyLookup = (
  type: string,
  name: string,
  minBitLength: number | undefined,
  resolver: DnsLookup,
) => Promise<unknown>;

/**
 * mailauth also rereads the key record for every signature: parses its tags, checks its base64,
 * builds a PEM, parses that into a key and exports it as PEM again. What comes of it (the key, or
 * why there is none) is a function of the record, so in the authentication thread it is
 * remembered for each answer the resolver gives; the record itself is still asked of the resolver
 * (and its cache) each time. mailauth's DKIM and ARC modules keep the lookup they found when they loaded: this must
 * run before they load, and says so when it is too late.
 */
export function rememberKeyRecords(): void {
  const require = createRequire(import.meta.url);
  if (require.cache[require.resolve('mailauth/lib/dkim/dkim-verifier.js')])
    throw new Error("mailauth's DKIM verifier is loaded already: it would not use the remembered key records");
  const tools = require('mailauth/lib/tools.js') as { getPublicKey: KeyLookup };
  tools.getPublicKey = rememberedKeyLookup(tools.getPublicKey);
}

/** `lookup`, answering once per DNS answer (for each key type and minimum length). */
export function rememberedKeyLookup(lookup: KeyLookup): KeyLookup {
  // By the answer itself: the resolver's cache hands out the same one until it expires.
  const known = new WeakMap<object, Map<string, Promise<unknown>>>();
  return async (type, name, minBitLength, resolver) => {
    const records = await resolver(name, 'TXT');
    let outcomes = known.get(records);
    if (!outcomes) known.set(records, (outcomes = new Map()));
    const id = `${type} ${minBitLength}`;
    const found = outcomes.get(id);
    if (found) return found;
    const outcome = lookup(type, name, minBitLength, () => Promise.resolve(records));
    outcomes.set(id, outcome);
    return outcome;
  };
}
