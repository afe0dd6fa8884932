import { headerBlockOf } from '../message/headers.js';
import { authenticateUnsigned, type AuthClient } from './authenticate.js';
import { startAuthThread, type AuthThreadOptions } from './authThread.js';
import { cachedResolver } from './resolver.js';
import { temporaryFailure, type AuthResults } from './results.js';

/** Checks one message's sender; never throws and never takes longer than its deadline. */
export interface SenderAuthenticator {
  check(chunks: readonly Buffer[], size: number, client: AuthClient): Promise<AuthResults>;
  close(): Promise<void>;
}

// Fields only mailauth's full run reads: without any, SPF and DMARC need the header alone.
const SIGNATURE_FIELD = /^(?:dkim-signature|arc-[a-z-]+)[ \t]*:/im;

/**
 * An unsigned message is checked where it is, from its header block alone (SPF and DMARC cost a
 * few cached lookups and no hashing); a signed one goes, whole, to the authentication thread.
 * Either way a check that outlives the deadline is answered `temperror`, and the message is kept.
 */
export function startSenderAuthenticator(options: AuthThreadOptions, deadlineMs: number): SenderAuthenticator {
  // Each side keeps its own cache: the thread's serves signed mail, this one the rest.
  const resolver = cachedResolver(options.dns);
  const thread = startAuthThread(options);
  let closing = false;

  const withDeadline = (check: Promise<AuthResults>, client: AuthClient) =>
    new Promise<AuthResults>((resolve) => {
      const timer = setTimeout(
        () => resolve(temporaryFailure(client, `no answer within ${deadlineMs} ms`)),
        deadlineMs,
      );
      check.then(
        (results) => {
          clearTimeout(timer);
          resolve(results);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(temporaryFailure(client, error instanceof Error ? error.message : String(error)));
        },
      );
    });

  return {
    check(chunks, size, client) {
      if (closing) return Promise.resolve(temporaryFailure(client, 'shutting down'));
      const head = headerBlockOf(chunks, size);
      if (head && !SIGNATURE_FIELD.test(head.toString('latin1'))) {
        return withDeadline(authenticateUnsigned(head, client, { authservId: options.authservId, resolver }), client);
      }
      // A copy of its own, moved to the thread: the message's pages stay with the spool.
      const message = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const chunk of chunks) at += chunk.copy(message, at);
      return withDeadline(thread.check(message, client), client);
    },
    async close() {
      closing = true;
      await thread.close();
    },
  };
}
