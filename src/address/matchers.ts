import { splitSlugAndId, splitSlugIdAndRest, trailingDigitsStart, withoutSuffix } from './projectAction.js';
import { parseReplyKey } from './replyKey.js';
import type { MailTarget, MailTargetKind, ServiceDeskTarget } from './target.js';

export const UNSUBSCRIBE_SUFFIX = '-unsubscribe';
export const UNSUBSCRIBE_SUFFIX_LEGACY = '+unsubscribe';
const MERGE_REQUEST_MARK = 'merge-request+';

export interface MailKeyMatcher {
  kind: MailTargetKind;
  /** The target if this handler's grammar accepts the (single-line) key, else null. */
  match(key: string): MailTarget | null;
}

/** Legacy keys split at the first '+': `<path>+<rest>`. */
function splitAtPlus(key: string): { path: string; rest: string } | null {
  const plus = key.indexOf('+');
  return plus < 0 ? null : { path: key.slice(0, plus), rest: key.slice(plus + 1) };
}

function reply(key: string): MailTarget | null {
  const replyKey = parseReplyKey(key);
  return replyKey && { kind: 'reply', replyKey };
}

function newIssue(key: string): MailTarget | null {
  // The current form is only tried without '/', which a slug never holds but a legacy path does.
  const body = key.includes('/') ? null : withoutSuffix(key, '-issue');
  const split = body === null ? null : splitSlugIdAndRest(body);
  if (split) return { kind: 'newIssue', project: split.project, token: split.rest };

  // Legacy `<path>+<token>`; a '+' in the token means the MR form, `+unsubscribe` the legacy
  // unsubscribe form (`<hex>+unsubscribe` would otherwise be read as a new issue).
  const legacy = splitAtPlus(key);
  if (!legacy || legacy.rest.includes('+') || key.includes(UNSUBSCRIBE_SUFFIX_LEGACY)) return null;
  return { kind: 'newIssue', project: { by: 'path', path: legacy.path }, token: legacy.rest };
}

function noteOnIssue(key: string): MailTarget | null {
  // No '/' guard here, as in GitLab: `group/x-1-token-issue-2` parses (and later fails the slug check).
  const iidStart = trailingDigitsStart(key);
  if (iidStart === key.length) return null;
  const body = withoutSuffix(key.slice(0, iidStart), '-issue-');
  const split = body === null ? null : splitSlugIdAndRest(body);
  if (!split) return null;
  return { kind: 'noteOnIssue', project: split.project, token: split.rest, issueIid: Number(key.slice(iidStart)) };
}

function unsubscribe(key: string): MailTarget | null {
  for (const [suffix, legacySuffix] of [
    [UNSUBSCRIBE_SUFFIX, false],
    [UNSUBSCRIBE_SUFFIX_LEGACY, true],
  ] as const) {
    const body = withoutSuffix(key, suffix);
    const replyKey = body === null ? null : parseReplyKey(body);
    if (replyKey) return { kind: 'unsubscribe', replyKey, legacySuffix };
  }
  return null;
}

function newMergeRequest(key: string): MailTarget | null {
  const body = key.includes('/') ? null : withoutSuffix(key, '-merge-request');
  const split = body === null ? null : splitSlugIdAndRest(body);
  if (split) return { kind: 'newMergeRequest', project: split.project, token: split.rest };

  // Legacy `<path>+merge-request+<token>` is not anchored at the end: the token is everything left.
  const legacy = splitAtPlus(key);
  if (!legacy || !legacy.rest.startsWith(MERGE_REQUEST_MARK)) return null;
  return {
    kind: 'newMergeRequest',
    project: { by: 'path', path: legacy.path },
    token: legacy.rest.slice(MERGE_REQUEST_MARK.length),
  };
}

/** `<slug>-<id>-issue-` (note the trailing dash) or, with no '+', a legacy `group/project`. */
export function serviceDesk(key: string): ServiceDeskTarget | null {
  const body = key.includes('/') ? null : withoutSuffix(key, '-issue-');
  const project = body === null ? null : splitSlugAndId(body);
  if (project) return { kind: 'serviceDesk', project };
  if (key.includes('/') && !key.includes('+')) return { kind: 'serviceDesk', project: { by: 'path', path: key } };
  return null;
}

/** Every handler's grammar, in GitLab's order of handlers; the first match wins. */
export const MAIL_KEY_MATCHERS: readonly MailKeyMatcher[] = [
  { kind: 'reply', match: reply },
  { kind: 'newIssue', match: newIssue },
  { kind: 'noteOnIssue', match: noteOnIssue },
  { kind: 'unsubscribe', match: unsubscribe },
  { kind: 'newMergeRequest', match: newMergeRequest },
  { kind: 'serviceDesk', match: serviceDesk },
];
