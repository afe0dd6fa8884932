import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadOrCreateSecretsKey,
  loadSecretsKey,
  readEncryptedFile,
  readMailboxCredentials,
  SECRETS_KEY_ENV,
  writeEncryptedFile,
} from '../../src/secrets/index.js';
import { tempDir } from '../helpers/postroom.js';

const KEY = randomBytes(32);
const CREDENTIALS = 'user: "gitlab-incoming@example.com"\npassword: "pa55: w0rd #not a comment"\n';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('encrypted files', () => {
  it('round-trips, readable by the owner only, with a fresh IV on every write', () => {
    const file = path.join(dir, 'secrets', 'incoming_email.yaml.enc');
    writeEncryptedFile(file, CREDENTIALS, KEY);
    const first = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).not.toContain('gitlab-incoming');
    expect(readEncryptedFile(file, KEY)).toBe(CREDENTIALS);
    expect(readMailboxCredentials(file, KEY)).toEqual({
      user: 'gitlab-incoming@example.com',
      password: 'pa55: w0rd #not a comment',
    });

    writeEncryptedFile(file, CREDENTIALS, KEY);
    expect(readFileSync(file, 'utf8')).not.toBe(first);
    expect(readEncryptedFile(file, KEY)).toBe(CREDENTIALS);
  });

  it('refuses the wrong key rather than returning garbage', () => {
    const file = path.join(dir, 'incoming_email.yaml.enc');
    writeEncryptedFile(file, CREDENTIALS, KEY);
    expect(() => readEncryptedFile(file, randomBytes(32))).toThrow(`cannot decrypt ${file}: wrong key or damaged file`);
  });

  it('refuses a tampered or truncated file', () => {
    const file = path.join(dir, 'incoming_email.yaml.enc');
    writeEncryptedFile(file, CREDENTIALS, KEY);
    const [marker, payload] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const sealed = Buffer.from(payload, 'base64');
    for (const at of [0, 12, 28, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] ^= 0x01;
      writeFileSync(file, `${marker}\n${tampered.toString('base64')}\n`);
      expect(() => readEncryptedFile(file, KEY), `byte ${at}`).toThrow(/wrong key or damaged file/);
    }
    writeFileSync(file, `${marker}\n${sealed.subarray(0, 20).toString('base64')}\n`);
    expect(() => readEncryptedFile(file, KEY)).toThrow(/wrong key or damaged file/);
  });

  it("says plainly that GitLab's own encrypted settings cannot be read", () => {
    const file = path.join(dir, 'incoming_email.yaml.enc');
    writeFileSync(file, 'c29tZQ==--aXY=--dGFn');
    expect(() => readEncryptedFile(file, KEY)).toThrow(/not a Postroom encrypted file/);
  });

  it('treats a missing file as no credentials', () => {
    expect(readEncryptedFile(path.join(dir, 'none.yaml.enc'), KEY)).toBeUndefined();
  });
});

describe('secrets key', () => {
  it('comes from the environment first, then the key file', () => {
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, `${KEY.toString('base64')}\n`);
    expect(loadSecretsKey({ keyFile, env: {} }).equals(KEY)).toBe(true);
    const other = randomBytes(32);
    expect(loadSecretsKey({ keyFile, env: { [SECRETS_KEY_ENV]: other.toString('base64') } }).equals(other)).toBe(true);
  });

  it('refuses a key that is not base64 of 32 bytes, and names where it came from', () => {
    expect(() =>
      loadSecretsKey({ keyFile: 'unused', env: { [SECRETS_KEY_ENV]: randomBytes(24).toString('base64') } }),
    ).toThrow(
      'the environment variable POSTROOM_SECRETS_KEY: the secrets key must hold base64 of exactly 32 bytes, but decodes to 24',
    );
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, 'hunter2');
    expect(() => loadSecretsKey({ keyFile, env: {} })).toThrow(`${keyFile}: the secrets key is not valid base64`);
  });

  it('says how to provide a missing key', () => {
    const keyFile = path.join(dir, 'key');
    expect(() => loadSecretsKey({ keyFile, env: {} })).toThrow(
      `no secrets key: set POSTROOM_SECRETS_KEY or create ${keyFile}`,
    );
  });

  it('is created on demand (0600), once', () => {
    const keyFile = path.join(dir, 'secrets', 'key');
    const created = loadOrCreateSecretsKey({ keyFile, env: {} });
    expect(created.createdKeyFile).toBe(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSecretsKey({ keyFile, env: {} });
    expect(again.createdKeyFile).toBeUndefined();
    expect(again.key.equals(created.key)).toBe(true);
  });
});
