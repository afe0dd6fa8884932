import type { AuthResults } from './results.js';

/** Who may act as a user: `author` takes the From address; `gitlab` takes Reply-To first, as GitLab does. */
export type IdentityRule = 'author' | 'gitlab';
/** What the From domain must have shown: not failed (the default), passed aligned, or nothing (GitLab). */
export type IdentityRequirement = 'not_failed' | 'aligned' | 'off';

export interface SenderPolicy {
  /** Refuse at end of DATA a DMARC failure of a domain that publishes `p=reject`. */
  dmarcReject: boolean;
  identity: IdentityRule;
  require: IdentityRequirement;
}

/**
 * How far the From domain is shown to have sent the message: `aligned` (DMARC passed, or an
 * aligned DKIM signature or SPF for the same domain passed), `failed` (DMARC failed, or SPF failed
 * for the From domain with nothing aligned passing), else `unverified`.
 */
export type Standing = { standing: 'aligned' | 'unverified' | 'failed'; reason: string };

export function standingOf(results: AuthResults | undefined): Standing {
  const found = standingFound(results);
  // A polled message's results are the mailbox provider's word, and the trace says whose.
  return results?.upstream ? { ...found, reason: `${found.reason}, according to ${results.upstream}` } : found;
}

function standingFound(results: AuthResults | undefined): Standing {
  if (!results) return { standing: 'unverified', reason: 'not authenticated at our border' };
  const domain = results.fromDomain;
  if (!domain) return { standing: 'unverified', reason: 'no single From address to authenticate' };
  const { dmarc, spf } = results;
  if (dmarc.result === 'pass') return { standing: 'aligned', reason: `dmarc=pass for ${domain}` };
  if (dmarc.result === 'fail') return { standing: 'failed', reason: `dmarc=fail for ${domain}` };
  const dkim = results.dkim.find((signature) => signature.aligned && signature.result === 'pass');
  if (dkim) return { standing: 'aligned', reason: `dkim=pass aligned with ${domain}` };
  const spfForFrom = spf.domain?.toLowerCase() === domain;
  if (spfForFrom && spf.result === 'pass') return { standing: 'aligned', reason: `spf=pass for ${domain}` };
  if (spfForFrom && spf.result === 'fail') return { standing: 'failed', reason: `spf=fail for ${domain}` };
  const errors = [dmarc.result, spf.result].includes('temperror') ? ' (DNS temperror)' : '';
  return { standing: 'unverified', reason: `nothing aligned with ${domain} passed${errors}` };
}

/** The one decision made while the sender is connected: a DMARC `reject` is honoured with 550 there. */
export function dmarcRefusal(results: AuthResults, policy: SenderPolicy): string | undefined {
  const { dmarc } = results;
  if (!policy.dmarcReject || dmarc.result !== 'fail' || dmarc.policy !== 'reject') return undefined;
  return `Message refused: ${dmarc.domain ?? results.fromDomain} publishes a DMARC reject policy and this message failed it`;
}

export interface SenderAddresses {
  from: readonly string[];
  replyTo: readonly string[];
  sender: readonly string[];
}

/** The address a message acts as, or why it may not act as anyone. */
export type SenderIdentity =
  { accepted: true; address?: string; standing: Standing } | { accepted: false; address?: string; reason: string };

export function senderIdentity(
  addresses: SenderAddresses,
  results: AuthResults | undefined,
  policy: Pick<SenderPolicy, 'identity' | 'require'>,
): SenderIdentity {
  const address =
    policy.identity === 'gitlab'
      ? (addresses.replyTo[0] ?? addresses.from[0] ?? addresses.sender[0])
      : addresses.from[0];
  const standing = standingOf(results);
  if (policy.require === 'off') return { accepted: true, address, standing };
  // DMARC cannot speak for a message with several authors, so none of them is believed.
  if (addresses.from.length > 1) return { accepted: false, address, reason: 'several From addresses' };
  // Two readings of one From field (ours and the authenticator's) must name the same domain.
  const domain = address?.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (policy.identity === 'author' && results?.fromDomain && domain !== results.fromDomain)
    return { accepted: false, address, reason: `From was authenticated as ${results.fromDomain}, not ${domain}` };
  if (standing.standing === 'failed') return { accepted: false, address, reason: standing.reason };
  if (policy.require === 'aligned' && standing.standing !== 'aligned')
    return { accepted: false, address, reason: `${standing.reason}; an aligned pass is required` };
  return { accepted: true, address, standing };
}
