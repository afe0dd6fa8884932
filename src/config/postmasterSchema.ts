import type { Section } from './reader.js';
import type { PostmasterConfig } from './types.js';

/**
 * The `postmaster` section (RFC 5321 §4.5.1): mail for `postmaster` at any accepted domain is
 * always accepted and kept in the spool; with `forward_to`, it is also sent on to that address.
 */
export function readPostmaster(section: Section): PostmasterConfig {
  const forwardTo = section.string('forward_to') || undefined;
  if (forwardTo !== undefined && !/^[^@\s<>]+@[^@\s<>]+$/.test(forwardTo))
    section.fail('forward_to', `must be a plain address such as admin@example.com, got ${JSON.stringify(forwardTo)}`);
  section.rejectUnknown();
  return { forwardTo };
}
