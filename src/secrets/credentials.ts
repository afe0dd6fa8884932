import { parse as parseYaml, YAMLParseError } from 'yaml';
import { SecretsError } from './errors.js';
import { readEncryptedFile } from './encryptedFile.js';

/** What an encrypted mailbox file holds: the IMAP / Graph login, as in GitLab's encrypted settings. */
export interface MailboxCredentials {
  user?: string;
  password?: string;
}

const CREDENTIAL_KEYS = ['user', 'password'] as const;

/**
 * Reads `user:` / `password:` YAML. Values must be strings: YAML would turn an unquoted
 * password such as 0123 or yes into a number or boolean, and guessing back is not safe.
 */
export function parseCredentials(text: string, source: string): MailboxCredentials {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SecretsError(
      `${source}: not valid YAML: ${error instanceof YAMLParseError ? error.message : String(error)}`,
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new SecretsError(`${source}: must be a mapping with user: and password:`);
  }
  const problems: string[] = [];
  const credentials: MailboxCredentials = {};
  for (const [key, value] of Object.entries(document)) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(key))
      problems.push(`${key}: unknown key (only user and password)`);
    else if (typeof value !== 'string') problems.push(`${key}: must be a string (put it in quotes)`);
    else credentials[key as (typeof CREDENTIAL_KEYS)[number]] = value;
  }
  if (problems.length === 0 && credentials.user === undefined && credentials.password === undefined) {
    problems.push('neither user nor password is given');
  }
  if (problems.length > 0) throw new SecretsError(`${source}: ${problems.join('; ')}`);
  return credentials;
}

/** The credentials in an encrypted mailbox file, or undefined when there is no such file. */
export function readMailboxCredentials(file: string, key: Buffer): MailboxCredentials | undefined {
  const plaintext = readEncryptedFile(file, key);
  return plaintext === undefined ? undefined : parseCredentials(plaintext, file);
}
