import type { MailTarget } from '../address/index.js';

/**
 * Whether a key that fits the grammar also means something (the reply key was sent, the project
 * and token exist). Throws when it cannot tell: the policy then answers 451, never a guess.
 */
export interface KeyDirectory {
  knows(target: MailTarget): boolean | Promise<boolean>;
  /**
   * A number that changes whenever an answer of `knows` may have changed; a directory that has
   * one lets the front keep its yes answers (KnownKeys) until it does.
   */
  version?(): number;
}
