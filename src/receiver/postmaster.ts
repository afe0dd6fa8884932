import { isPostmaster } from '../address/index.js';
import type { DeliveryEntry, StoredMessage } from '../spool/index.js';
import type { Processed, Processor } from '../worker/types.js';

/** Sends mail for the postmaster on to a person; answers the delivery's outcome. */
export type PostmasterForward = (
  message: StoredMessage,
  delivery: DeliveryEntry,
  raw: Buffer,
) => Promise<Processed['outcome']>;

const KEPT_ONLY = 'mail for the postmaster is kept in the spool (set postmaster.forward_to to have it sent on)';

/**
 * RFC 5321 §4.5.1: mail for `postmaster` is never routed as an incoming-email key; it is kept
 * and visible in the trace, and forwarded when an address for it is configured.
 */
export function withPostmaster(
  process: Processor,
  acceptedDomains: ReadonlySet<string>,
  forward: PostmasterForward | undefined,
): Processor {
  return async (message, delivery, raw) => {
    if (delivery.recipient === undefined || !isPostmaster(delivery.recipient, acceptedDomains))
      return process(message, delivery, raw);
    const routing = { handler: 'postmaster' };
    if (!forward) return { outcome: { state: 'ignored', reason: KEPT_ONLY }, routing };
    return { outcome: await forward(message, delivery, raw), routing };
  };
}
