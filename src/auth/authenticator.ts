import { readHeaderFields } from '../message/headers.js';
import { authenticateUnsigned, type AuthClient } from './authenticate.js';
import { startAuthPool } from './authPool.js';
import type { AuthThreadOptions } from './authThread.js';
import { recentAnswers } from './recent.js';
import { cachedResolver } from './resolver.js';
import { temporaryFailure, type AuthResults } from './results.js';

/** A message at end of DATA: in memory, or (chunks empty) whole in a spill file. */
export interface MessageToCheck {
  /** Its header block, as the SMTP collector cut it while it arrived: undefined past the scan limit. */
  head: Buffer | undefined;
  chunks: readonly Buffer[];
  size: number;
  spillFile?: string;
}

/** Checks one message's sender; never throws and never takes longer than its deadline. */
export interface SenderAuthenticator {
  check(message: MessageToCheck, client: AuthClient): Promise<AuthResults>;
  close(): Promise<void>;
}

// Fields only mailauth's full run reads: without any, SPF and DMARC need the header alone.
const SIGNATURE_FIELD = /^(?:dkim-signature|arc-[a-z-]+)[ \t]*:/im;

/**
 * An unsigned message is checked where it is, from its header block alone (SPF and DMARC cost a
 * few cached lookups and no hashing); a signed one goes to an authentication thread (see authPool), whole,
 * or when it was spilled as its header block and the name of its file, which the thread streams.
 * Either way a check that outlives the deadline is answered `temperror`, and the message is kept.
 */
export function startSenderAuthenticator(options: AuthThreadOptions, deadlineMs: number): SenderAuthenticator {
  // Each side keeps its own cache: the threads' serve signed mail, this one the rest.
  const resolver = cachedResolver(options.dns);
  const threads = startAuthPool(options);
  let closing = false;

  // Without a signature the results are a function of the client, the From field and DNS
  // answers: a sender's burst is checked once per while, not per message.
  const recent = recentAnswers<AuthResults>(options.dns.cacheTtlMs, (found) =>
    [found.spf.result, found.dmarc.result].includes('temperror'),
  );
  const unsigned = (head: Buffer, client: AuthClient): Promise<AuthResults> => {
    const from = readHeaderFields(head)
      .filter((field) => field.name.toLowerCase() === 'from')
      .map((field) => field.value);
    return recent(JSON.stringify([client.ip, client.helo, client.mailFrom, from]), () =>
      authenticateUnsigned(from, client, { authservId: options.authservId, resolver }),
    );
  };

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
    check({ head, chunks, size, spillFile }, client) {
      if (closing) return Promise.resolve(temporaryFailure(client, 'shutting down'));
      // Beyond the scan limit the signatures could not be counted: such a head is not worth the work.
      if (!head) return Promise.resolve(temporaryFailure(client, 'header block too large to authenticate'));
      const text = head.toString('latin1');
      if (!SIGNATURE_FIELD.test(text)) return withDeadline(unsigned(head, client), client);
      const kept = withSignaturesCapped(head, text);
      // A spilled message stays on disk: the thread reads the file after its head, as a stream.
      const source =
        spillFile === undefined
          ? { message: signedCopy(chunks, size, head, kept) }
          : { head: kept, file: spillFile, offset: head.length };
      return withDeadline(threads.check(source, client), client);
    },
    async close() {
      closing = true;
      await threads.close();
    },
  };
}

// Each DKIM signature costs a key lookup and an RSA check, as many as the sender writes: past
// this many, the rest are not looked at (honest mail carries one to three).
const MAX_DKIM_SIGNATURES = 8;
const DKIM_SIGNATURE_FIELD = /^dkim-signature[ \t]*:/i;
const DKIM_SIGNATURE_FIELDS = /^dkim-signature[ \t]*:/gim;

/** The header block keeping at most MAX_DKIM_SIGNATURES signature fields (itself when it has no more). */
function withSignaturesCapped(head: Buffer, text: string): Buffer {
  // Counted first: honest mail is not taken apart.
  if ((text.match(DKIM_SIGNATURE_FIELDS)?.length ?? 0) <= MAX_DKIM_SIGNATURES) return head;
  const fields = text.split(/\r\n(?![ \t])/);
  let signatures = 0;
  const kept = fields.filter((field) => !DKIM_SIGNATURE_FIELD.test(field) || ++signatures <= MAX_DKIM_SIGNATURES);
  return kept.length === fields.length ? head : Buffer.from(kept.join('\r\n'), 'latin1');
}

/** A copy of its own with `newHead` for the first `head.length` bytes, moved to the thread (the message's pages stay with the spool). */
function signedCopy(chunks: readonly Buffer[], size: number, head: Buffer, newHead: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(size - head.length + newHead.length);
  let at = newHead.copy(copy, 0);
  let skip = head.length;
  for (const chunk of chunks) {
    const from = Math.min(skip, chunk.length);
    skip -= from;
    at += chunk.copy(copy, at, from);
  }
  return copy;
}
