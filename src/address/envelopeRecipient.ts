// RFC 5322 §3.2.3: the characters of a dot-atom, which needs no quoting.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * One spelling per mailbox: a quoted local part that needs no quotes is the same address as its
 * dot-atom form (RFC 5321 §4.1.2), and a domain's case means nothing. `"incoming+K"@Example.COM`
 * and `incoming+K@example.com` are one recipient.
 */
export function canonicalRecipient(address: string): string {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1).toLowerCase();
  let canonicalLocal = local;
  if (local.length >= 2 && local.startsWith('"') && local.endsWith('"')) {
    const unquoted = local.slice(1, -1).replace(/\\(.)/g, '$1');
    if (DOT_ATOM.test(unquoted)) canonicalLocal = unquoted;
  }
  return at < 0 ? canonicalLocal : `${canonicalLocal}@${domain}`;
}

/**
 * RFC 5321 §4.5.1: `postmaster` (any case) on its own or at one of our domains must be accepted.
 * Takes a canonical address.
 */
export function isPostmaster(address: string, acceptedDomains: ReadonlySet<string>): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase() === 'postmaster';
  return address.slice(0, at).toLowerCase() === 'postmaster' && acceptedDomains.has(address.slice(at + 1));
}
