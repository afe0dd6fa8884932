export { KEY_BYTES, decodeBase64Key, writeNewBase64Key, type DecodedKey } from './base64Key.js';
export { parseCredentials, readMailboxCredentials, type MailboxCredentials } from './credentials.js';
export { decryptSecret, encryptSecret, readEncryptedFile, writeEncryptedFile } from './encryptedFile.js';
export { SecretsError } from './errors.js';
export { SECRETS_KEY_ENV, loadOrCreateSecretsKey, loadSecretsKey, type KeySource } from './key.js';
