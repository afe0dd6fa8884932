/** The placeholder GitLab replaces with the mail key in `incoming_email.address`. */
export const KEY_PLACEHOLDER = '%{key}';

export interface AddressMatch {
  /** The mail key, or null when the template is a dedicated address without `%{key}`. */
  key: string | null;
}

export interface AddressTemplate {
  readonly template: string;
  /** True when the template holds `%{key}`; without it only reply-by-References works. */
  readonly supportsWildcard: boolean;
  /** The template's domain, lowercased: what the SMTP edge accepts mail for. */
  readonly domain: string;
  /** Null when the address does not fit the template. */
  match(address: string): AddressMatch | null;
  /** The address for a key (GitLab's reply_address); a dedicated address comes back unchanged. */
  build(key: string): string;
}

/** ASCII-only folding keeps the length unchanged, which the suffix arithmetic relies on. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/**
 * Compile `incoming+%{key}@host` (or a dedicated address) into a matcher.
 *
 * Same outcome as GitLab's anchored `^<?escaped-template>?$` with the first `%{key}` as a greedy
 * `(.+)`, done with plain string comparisons so the cost stays linear in the address length.
 * Unlike GitLab the domain is compared case-insensitively (RFC 5321), the local part is not.
 */
export function compileTemplate(template: string): AddressTemplate {
  const at = template.lastIndexOf('@');
  if (at <= 0 || at === template.length - 1) {
    throw new Error(`address template "${template}" needs a local part and a domain`);
  }
  const slot = template.indexOf(KEY_PLACEHOLDER);
  if (slot >= 0 && slot + KEY_PLACEHOLDER.length > at) {
    throw new Error(`address template "${template}" must keep ${KEY_PLACEHOLDER} in the local part`);
  }
  const domain = asciiLower(template.slice(at + 1));
  // Everything between the key and the '@' must match exactly; only the domain is case-folded.
  const prefix = slot >= 0 ? template.slice(0, slot) : template.slice(0, at);
  const localSuffix = slot >= 0 ? template.slice(slot + KEY_PLACEHOLDER.length, at) : '';
  const tail = `${localSuffix}@`;

  const fits = (body: string): AddressMatch | null => {
    if (!body.startsWith(prefix)) return null;
    const tailAt = body.length - domain.length - tail.length;
    if (tailAt < prefix.length) return null;
    if (body.slice(tailAt, tailAt + tail.length) !== tail) return null;
    if (asciiLower(body.slice(tailAt + tail.length)) !== domain) return null;
    if (slot < 0) return tailAt === prefix.length ? { key: null } : null;
    const key = body.slice(prefix.length, tailAt);
    // GitLab's `.` stops at a line feed, so a key never spans lines.
    return key.length > 0 && !key.includes('\n') ? { key } : null;
  };

  return {
    template,
    supportsWildcard: slot >= 0,
    domain,
    match(address) {
      // Same preference as the regex: take the optional '<' first, and the longest key.
      const leads = address.startsWith('<') ? [1, 0] : [0];
      const trails = address.endsWith('>') ? [0, 1] : [0];
      for (const lead of leads) {
        for (const trail of trails) {
          if (lead + trail > address.length) continue;
          const found = fits(address.slice(lead, address.length - trail));
          if (found) return found;
        }
      }
      return null;
    },
    build(key) {
      return slot >= 0 ? template.slice(0, slot) + key + template.slice(slot + KEY_PLACEHOLDER.length) : template;
    },
  };
}
