import { keyFromReferenceId, receivedForAddress, referenceIds, unfoldHeaderValue } from './headerScan.js';
import type { AddressTemplate } from './template.js';

export interface RawHeader {
  name: string;
  /** The value as it stood in the message; folding is undone here. */
  value: string;
}

/** Everything about a message that can carry its mail key. */
export interface MessageAddressing {
  /** RCPT TO addresses of the SMTP transaction; empty for mail pulled from a mailbox. */
  envelopeRecipients: readonly string[];
  /** Bare addresses, display names already removed. */
  to: readonly string[];
  cc: readonly string[];
  /** A list of message ids (brackets optional) or the raw header value. */
  references?: readonly string[] | string;
  /** Every header in message order; names compare case-insensitively. */
  rawHeaders: readonly RawHeader[];
}

/** Headers read as raw values, in GitLab's order (Received is scanned for `for <…>`). */
const RAW_SOURCES = [
  'delivered-to',
  'x-delivered-to',
  'envelope-to',
  'x-envelope-to',
  'received',
  'x-original-to',
  'x-forwarded-to',
] as const;

export type KeySource = 'envelope' | 'to' | 'references' | (typeof RAW_SOURCES)[number] | 'cc';

export interface KeyCandidate {
  source: KeySource;
  /** The address or message id looked at. */
  value: string;
  key: string | null;
}

export interface KeyExtractionOptions {
  template: AddressTemplate;
  /** Host of our own Message-IDs (`reply-<key>@host`); null turns the References fallback off. */
  gitlabHost: string | null;
}

/**
 * Every place a key may be, in order: the envelope (which GitLab never sees, so it goes first),
 * To, References, the raw recipient headers, then Cc. Lazy, so a caller can stop at the first key
 * or layer its own lookups (e.g. Service Desk custom addresses on To) over each candidate.
 */
export function* mailKeyCandidates(
  message: MessageAddressing,
  options: KeyExtractionOptions,
): Generator<KeyCandidate, void, undefined> {
  const { template, gitlabHost } = options;
  const fromAddress = (source: KeySource, value: string): KeyCandidate => ({
    source,
    value,
    key: template.match(value)?.key ?? null,
  });

  for (const address of message.envelopeRecipients) yield fromAddress('envelope', address);
  for (const address of message.to) yield fromAddress('to', address);
  for (const id of referenceIds(message.references)) {
    yield { source: 'references', value: id, key: gitlabHost === null ? null : keyFromReferenceId(id, gitlabHost) };
  }
  for (const source of RAW_SOURCES) {
    for (const header of message.rawHeaders) {
      if (header.name.trim().toLowerCase() !== source) continue;
      const value = unfoldHeaderValue(header.value);
      const address = source === 'received' ? receivedForAddress(value) : value;
      if (address !== null) yield fromAddress(source, address);
    }
  }
  for (const address of message.cc) yield fromAddress('cc', address);
}

/** The first key found, with where it came from; null when no source holds one. */
export function extractMailKey(
  message: MessageAddressing,
  options: KeyExtractionOptions,
): { key: string; source: KeySource; value: string } | null {
  for (const candidate of mailKeyCandidates(message, options)) {
    if (candidate.key !== null) return { key: candidate.key, source: candidate.source, value: candidate.value };
  }
  return null;
}
