import { randomBytes } from 'node:crypto';

/** A reply key as found in a mail key: the 32-hex legacy form or `<partition>-<key>[-<namespace>]`. */
export type ReplyKey =
  | { form: 'legacy'; text: string; key: string }
  | {
      form: 'partitioned';
      text: string;
      /** The partition number (1–4 base-36 digits in the text). */
      partition: number;
      /** 25 base-36 characters. */
      key: string;
      /** The namespace id as written (base 36), or null; kept as text since 13 digits exceed 2^53. */
      namespace: string | null;
    };

const LEGACY_KEY = /^[0-9a-f]{32}$/;
// Fixed-width pieces with no nested quantifiers: matching is linear.
const PARTITIONED_KEY = /^([0-9a-z]{1,4})-([0-9a-z]{25})(?:-([0-9a-z]{1,13}))?$/;
const KEY_LENGTH = 25;
const KEY_BYTES = 16;
const MAX_PARTITION = 36 ** 4 - 1;

export function isLegacyReplyKey(text: string): boolean {
  return LEGACY_KEY.test(text);
}

/** Null unless the whole text is a reply key. */
export function parseReplyKey(text: string): ReplyKey | null {
  if (LEGACY_KEY.test(text)) return { form: 'legacy', text, key: text };
  const parts = PARTITIONED_KEY.exec(text);
  if (!parts) return null;
  return {
    form: 'partitioned',
    text,
    partition: parseInt(parts[1], 36),
    key: parts[2],
    namespace: parts[3] ?? null,
  };
}

/**
 * A new reply key in GitLab's public form `<partition>-<key>-<namespace>`, all base 36, the key a
 * random 128-bit number padded to 25 digits. The namespace is required: without it the unsubscribe
 * address `<partition>-<key>-unsubscribe` would read as a reply key whose namespace is "unsubscribe".
 */
export function generateReplyKey(where: { partition: number; namespaceId: number }): string {
  const { partition, namespaceId } = where;
  if (!Number.isSafeInteger(partition) || partition < 0 || partition > MAX_PARTITION) {
    throw new RangeError(`reply key partition must be an integer from 0 to ${MAX_PARTITION}`);
  }
  if (!Number.isSafeInteger(namespaceId) || namespaceId < 0) {
    throw new RangeError('reply key namespaceId must be a non-negative safe integer');
  }
  const random = BigInt(`0x${randomBytes(KEY_BYTES).toString('hex')}`);
  const key = random.toString(36).padStart(KEY_LENGTH, '0');
  return `${partition.toString(36)}-${key}-${namespaceId.toString(36)}`;
}
