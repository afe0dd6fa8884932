import crypto, { type KeyObject, type PublicKeyInput } from 'node:crypto';

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
  const parsed = new Map<string, KeyObject>();
  const publicKey = (input: KeyInput): KeyObject => {
    const id = identity(input);
    if (id === undefined) return createPublicKey(input);
    const known = parsed.get(id);
    if (known) return known;
    const key = createPublicKey(input);
    if (parsed.size >= MAX_KEYS) parsed.delete(parsed.keys().next().value as string);
    parsed.set(id, key);
    return key;
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
function identity(input: KeyInput): string | undefined {
  if (typeof input === 'string') return `string pem ${input}`;
  if (Buffer.isBuffer(input)) return `buffer pem ${input.toString('latin1')}`;
  if (typeof input !== 'object' || input === null || input instanceof crypto.KeyObject) return undefined;
  const { key, format, type, encoding } = input as PublicKeyInput & { key: unknown };
  if (typeof key === 'string') return `string ${format ?? 'pem'} ${type ?? ''} ${encoding ?? ''} ${key}`;
  if (Buffer.isBuffer(key)) return `buffer ${format ?? 'pem'} ${type ?? ''} ${key.toString('latin1')}`;
  return undefined;
}
