import { writeNewBase64Key } from '../../src/secrets/index.js';

/** A new mail_room secret file, as GitLab's installer makes one (32 random bytes, base64, mode 0600). */
export function writeMailroomSecret(file: string): void {
  writeNewBase64Key(file);
}
