import { readFileSync } from 'node:fs';
import { ConfigErrors } from '../config/index.js';
import { decodeBase64Key } from '../secrets/index.js';

/** A mail_room secret file Postroom refuses to use; a ConfigErrors so `serve` reports it like any config mistake. */
export class MailroomSecretError extends ConfigErrors {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super([`${file}: ${problem}`]);
    this.name = 'MailroomSecretError';
  }
}

/**
 * Reads the secret shared with GitLab (`secret_file`). GitLab refuses anything but base64 of
 * exactly 32 bytes, so Postroom refuses the same files at start rather than signing tokens
 * GitLab will answer with 500 or 401.
 */
export function readMailroomSecret(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MailroomSecretError(
      file,
      `cannot read the mail_room secret (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const decoded = decodeBase64Key(text);
  if ('problem' in decoded) throw new MailroomSecretError(file, `the mail_room secret ${decoded.problem}`);
  return decoded.key;
}
