import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Both the mail_room secret and the secrets key are 32 random bytes: an HS256 / AES-256 key. */
export const KEY_BYTES = 32;

export type DecodedKey = { key: Buffer } | { problem: string };

/**
 * Decodes GitLab's key file format: base64 text whose one trailing newline is ignored.
 * Strict on purpose: Buffer.from(..., 'base64') skips junk silently, and a key that decodes
 * "mostly right" would only show up later as refused tokens or undecryptable files.
 */
export function decodeBase64Key(text: string): DecodedKey {
  const encoded = text.replace(/\r?\n$/, '');
  if (encoded.length === 0) return { problem: 'is empty' };
  const decoded = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0 || decoded.toString('base64') !== encoded) {
    return { problem: 'is not valid base64' };
  }
  if (decoded.length !== KEY_BYTES) {
    return { problem: `must hold base64 of exactly ${KEY_BYTES} bytes, but decodes to ${decoded.length}` };
  }
  return { key: decoded };
}

/** Writes a fresh key readable by its owner only; never replaces an existing file (that would orphan what the old key protects). */
export function writeNewBase64Key(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}
