import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigErrors, loadConfig } from '../../src/config/index.js';
import { SECRETS_KEY_ENV, writeEncryptedFile } from '../../src/secrets/index.js';
import { tempDir } from '../helpers/postroom.js';

const KEY = randomBytes(32);
const ENV = { [SECRETS_KEY_ENV]: KEY.toString('base64') };

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function configFile(incomingExtra = '', rest = ''): string {
  const file = path.join(dir, 'postroom.yml');
  writeFileSync(
    file,
    `incoming_email:
  enabled: true
  address: "incoming+%{key}@example.com"
${incomingExtra}
service_desk_email:
  enabled: false
store:
  path: ${path.join(dir, 'data', 'spool.db')}
${rest}`,
  );
  return file;
}

const defaultEncryptedFile = () => path.join(dir, 'data', 'secrets', 'incoming_email.yaml.enc');

describe('encrypted mailbox credentials in the config', () => {
  it('places the encrypted files and the key beside the spool by default', () => {
    const config = loadConfig(configFile(), {});
    expect(config.incomingEmail.encryptedSecretFile).toBe(defaultEncryptedFile());
    expect(config.serviceDeskEmail.encryptedSecretFile).toBe(
      path.join(dir, 'data', 'secrets', 'service_desk_email.yaml.enc'),
    );
    expect(config.secrets.keyFile).toBe(path.join(dir, 'data', 'secrets', 'key'));
    expect(config.incomingEmail.user).toBeUndefined();
  });

  it('fills user and password from the encrypted file', () => {
    writeEncryptedFile(defaultEncryptedFile(), 'user: imap-user\npassword: "imap pass"\n', KEY);
    expect(loadConfig(configFile(), ENV).incomingEmail).toMatchObject({ user: 'imap-user', password: 'imap pass' });
  });

  it('keeps values written in the YAML and fills only what is missing', () => {
    writeEncryptedFile(defaultEncryptedFile(), 'user: from-file\npassword: from-file\n', KEY);
    expect(loadConfig(configFile('  user: from-yaml'), ENV).incomingEmail).toMatchObject({
      user: 'from-yaml',
      password: 'from-file',
    });
  });

  it("follows the section's encrypted_secret_file and the key in secrets.key_file", () => {
    const keyFile = path.join(dir, 'postroom.key');
    writeFileSync(keyFile, `${KEY.toString('base64')}\n`);
    writeEncryptedFile(path.join(dir, 'elsewhere.enc'), 'user: u\npassword: p\n', KEY);
    const config = loadConfig(
      configFile(`  encrypted_secret_file: ${path.join(dir, 'elsewhere.enc')}`, `secrets:\n  key_file: ${keyFile}\n`),
      {},
    );
    expect(config.incomingEmail).toMatchObject({ user: 'u', password: 'p' });
  });

  it('refuses to start with a wrong key or no key, naming the mailbox and the file', () => {
    writeEncryptedFile(defaultEncryptedFile(), 'user: u\npassword: p\n', KEY);
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(configFile(), env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigErrors);
        return (error as ConfigErrors).problems;
      }
      throw new Error('the config was accepted');
    };
    expect(problems({ [SECRETS_KEY_ENV]: randomBytes(32).toString('base64') })).toEqual([
      `incoming_email: cannot decrypt ${defaultEncryptedFile()}: wrong key or damaged file`,
    ]);
    expect(problems({})[0]).toMatch(/^incoming_email: no secrets key: set POSTROOM_SECRETS_KEY/);
  });

  it('leaves disabled mailboxes and opted-out loads alone', () => {
    writeEncryptedFile(path.join(dir, 'data', 'secrets', 'service_desk_email.yaml.enc'), 'garbage', randomBytes(32));
    writeEncryptedFile(defaultEncryptedFile(), 'user: u\npassword: p\n', randomBytes(32));
    expect(loadConfig(configFile(), ENV, { encryptedCredentials: false }).incomingEmail.user).toBeUndefined();
    expect(() => loadConfig(configFile(), ENV)).toThrow(/incoming_email: cannot decrypt/);
  });
});
