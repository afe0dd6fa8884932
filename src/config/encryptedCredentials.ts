import { existsSync } from 'node:fs';
import { loadSecretsKey, readMailboxCredentials, SecretsError } from '../secrets/index.js';
import { ConfigErrors } from './reader.js';
import type { MailboxConfig, PostroomConfig } from './types.js';

/**
 * Fills an enabled mailbox's missing `user` / `password` from its encrypted file
 * (`postroom secret write`). Values written in the YAML win; the key is only needed when
 * something is missing and the file exists, so a config without encrypted secrets needs no key.
 */
export function withEncryptedCredentials(
  config: PostroomConfig,
  env: Record<string, string | undefined>,
): PostroomConfig {
  const problems: string[] = [];
  const fill = (name: string, mailbox: MailboxConfig): MailboxConfig => {
    const complete = mailbox.user !== undefined && mailbox.password !== undefined;
    if (!mailbox.enabled || complete || !existsSync(mailbox.encryptedSecretFile)) return mailbox;
    try {
      const key = loadSecretsKey({ keyFile: config.secrets.keyFile, env });
      const credentials = readMailboxCredentials(mailbox.encryptedSecretFile, key) ?? {};
      return { ...mailbox, user: mailbox.user ?? credentials.user, password: mailbox.password ?? credentials.password };
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      problems.push(`${name}: ${error.message}`);
      return mailbox;
    }
  };
  const incomingEmail = fill('incoming_email', config.incomingEmail);
  const serviceDeskEmail = fill('service_desk_email', config.serviceDeskEmail);
  if (problems.length > 0) throw new ConfigErrors(problems);
  return { ...config, incomingEmail, serviceDeskEmail };
}
