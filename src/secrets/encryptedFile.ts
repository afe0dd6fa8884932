import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SecretsError } from './errors.js';

/**
 * An encrypted file is two text lines: this marker, then base64(iv ‖ auth tag ‖ ciphertext) of
 * AES-256-GCM. The marker is also the additional authenticated data, so a file cannot be passed
 * off as another format version, and it tells our files apart from GitLab's (Rails
 * MessageEncryptor), which Postroom cannot read.
 */
const FORMAT_MARKER = 'postroom-encrypted-v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(FORMAT_MARKER));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${FORMAT_MARKER}\n${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}\n`;
}

/** `source` names the file in errors. A wrong key and a damaged file look the same to GCM, so one message covers both. */
export function decryptSecret(fileText: string, key: Buffer, source: string): string {
  const [marker, payload = '', ...rest] = fileText.replace(/\n$/, '').split('\n');
  if (marker !== FORMAT_MARKER || rest.length > 0) {
    throw new SecretsError(
      `cannot decrypt ${source}: not a Postroom encrypted file (files written by GitLab's secret:write cannot be read; write it again with postroom secret write)`,
    );
  }
  const sealed = Buffer.from(payload, 'base64');
  if (sealed.length < IV_BYTES + TAG_BYTES) throw undecryptable(source);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(FORMAT_MARKER));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw undecryptable(source);
  }
}

/** The plaintext, or undefined when the file does not exist. */
export function readEncryptedFile(file: string, key: Buffer): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SecretsError(`${file}: cannot read (${code ?? String(error)})`);
  }
  return decryptSecret(text, key, file);
}

/** Replaces the file atomically (write beside, then rename) so a crash never leaves half a file. */
export function writeEncryptedFile(file: string, plaintext: string, key: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, encryptSecret(plaintext, key), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function undecryptable(source: string): SecretsError {
  return new SecretsError(`cannot decrypt ${source}: wrong key or damaged file`);
}
