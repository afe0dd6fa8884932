import { existsSync, readFileSync } from 'node:fs';
import { decodeBase64Key, writeNewBase64Key } from './base64Key.js';
import { SecretsError } from './errors.js';

/**
 * The key that encrypts mailbox credentials is found, in this order:
 *  1. the environment variable POSTROOM_SECRETS_KEY: base64 of 32 bytes (for containers and
 *     secret managers that inject variables);
 *  2. the file named by the config's `secrets.key_file` (default `<dir of store.path>/secrets/key`),
 *     holding the same base64 text.
 */
export const SECRETS_KEY_ENV = 'POSTROOM_SECRETS_KEY';

export interface KeySource {
  keyFile: string;
  env?: Record<string, string | undefined>;
}

export function loadSecretsKey({ keyFile, env = process.env }: KeySource): Buffer {
  const fromEnv = env[SECRETS_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return decodeOrThrow(fromEnv, `the environment variable ${SECRETS_KEY_ENV}`);
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SecretsError(
        `no secrets key: set ${SECRETS_KEY_ENV} or create ${keyFile} (postroom secret write creates it)`,
      );
    }
    throw new SecretsError(`${keyFile}: cannot read the secrets key (${code ?? String(error)})`);
  }
  return decodeOrThrow(text, keyFile);
}

/** For `secret write`: the first credentials written also create the key, as GitLab's installer creates its key base. */
export function loadOrCreateSecretsKey(source: KeySource): { key: Buffer; createdKeyFile?: string } {
  const env = source.env ?? process.env;
  if (env[SECRETS_KEY_ENV] || existsSync(source.keyFile)) return { key: loadSecretsKey(source) };
  writeNewBase64Key(source.keyFile);
  return { key: loadSecretsKey(source), createdKeyFile: source.keyFile };
}

function decodeOrThrow(text: string, where: string): Buffer {
  const decoded = decodeBase64Key(text);
  if ('problem' in decoded) throw new SecretsError(`${where}: the secrets key ${decoded.problem}`);
  return decoded.key;
}
