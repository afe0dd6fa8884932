import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigErrors, parseConfigText } from '../../src/config/index.js';
import { gitlabPostbackFor, MailroomSecretError, readMailroomSecret } from '../../src/gitlab/index.js';
import { writeMailroomSecret } from '../helpers/mailroomSecret.js';
import { tempDir } from '../helpers/postroom.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function secretFileWith(text: string): string {
  const file = path.join(dir, '.gitlab_mailroom_secret');
  writeFileSync(file, text);
  return file;
}

describe('mail_room secret file', () => {
  it('reads back the 32 bytes of a secret file readable by the owner only', () => {
    const file = path.join(dir, 'secrets', '.gitlab_mailroom_secret');
    writeMailroomSecret(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readMailroomSecret(file)).toHaveLength(32);
  });

  it('ignores one trailing newline, as GitLab does', () => {
    const key = randomBytes(32);
    expect(readMailroomSecret(secretFileWith(`${key.toString('base64')}\n`)).equals(key)).toBe(true);
    expect(readMailroomSecret(secretFileWith(`${key.toString('base64')}\r\n`)).equals(key)).toBe(true);
  });

  it('refuses a secret of the wrong length, naming the file', () => {
    const file = secretFileWith(`${randomBytes(16).toString('base64')}\n`);
    expect(() => readMailroomSecret(file)).toThrow(MailroomSecretError);
    expect(() => readMailroomSecret(file)).toThrow(
      `${file}: the mail_room secret must hold base64 of exactly 32 bytes, but decodes to 16`,
    );
  });

  it('refuses text that is not strict base64 instead of decoding what it can', () => {
    const valid = randomBytes(32).toString('base64');
    for (const text of [
      'not base64 at all!',
      `${valid.slice(0, 20)} ${valid.slice(20)}`,
      `${valid}\n\n`,
      valid.replace(/=+$/, ''),
      '',
    ]) {
      expect(() => readMailroomSecret(secretFileWith(text)), JSON.stringify(text)).toThrow(
        /\.gitlab_mailroom_secret: the mail_room secret (is not valid base64|is empty)/,
      );
    }
  });

  it('names a missing file, and reports as a configuration error', () => {
    const file = path.join(dir, 'missing');
    expect(() => readMailroomSecret(file)).toThrow(`${file}: cannot read the mail_room secret (ENOENT)`);
    expect(() => readMailroomSecret(file)).toThrow(ConfigErrors);
  });

  it('builds a postback from a mailbox section, and refuses one without gitlab_url', () => {
    const file = path.join(dir, 'secret');
    writeMailroomSecret(file);
    const config = parseConfigText(
      `incoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\n  gitlab_url: "https://gitlab.example.com/"\n  secret_file: ${file}\n`,
      'test.yml',
      {},
    );
    expect(gitlabPostbackFor('incoming_email', config.incomingEmail).url).toBe(
      'https://gitlab.example.com/api/v4/internal/mail_room/incoming_email',
    );
    expect(() => gitlabPostbackFor('service_desk_email', config.serviceDeskEmail)).toThrow(
      /service_desk_email\.gitlab_url is required/,
    );
  });
});
