/** A problem with encrypted credentials or their key, worded for the operator. */
export class SecretsError extends Error {
  override name = 'SecretsError';
}
