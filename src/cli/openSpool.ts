import { loadConfig } from '../config/index.js';
import { Spool, type SpoolEntry } from '../spool/index.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

export function openConfiguredSpool(args: ParsedArgs): Spool {
  const config = loadConfig(configPath(args), process.env, { encryptedCredentials: false });
  return Spool.open(config.store.path);
}

/** A spool id, or a Message-ID (with or without angle brackets): every message that carried it. */
export function findMessages(spool: Spool, reference: string | undefined): SpoolEntry[] {
  if (!reference) return [];
  if (/^\d+$/.test(reference)) {
    const entry = spool.get(Number(reference));
    return entry ? [entry] : [];
  }
  const bare = reference.replace(/^<|>$/g, '');
  return spool.findByMessageId(`<${bare}>`);
}
