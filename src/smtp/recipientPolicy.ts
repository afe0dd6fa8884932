import type { Verdict } from './verdict.js';

/** Decides at RCPT TO whether an address is one of ours and means something. */
export interface RecipientPolicy {
  check(address: string): Verdict | Promise<Verdict>;
}
