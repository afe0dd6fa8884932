import type { Section } from './reader.js';

/**
 * mail_room hands `search_command` to UID SEARCH as it is. Postroom takes the search keys that
 * make sense for a mailbox drained by a bot, alone or ANDed (`UNSEEN UNDELETED`); a key that
 * needs an argument (FROM, SINCE…) or OR/NOT is refused here, at start, rather than guessed at.
 */
export const SEARCH_KEYS = [
  'ALL',
  'UNSEEN',
  'SEEN',
  'NEW',
  'OLD',
  'RECENT',
  'UNDELETED',
  'DELETED',
  'UNFLAGGED',
  'FLAGGED',
  'UNANSWERED',
  'ANSWERED',
] as const;

export type SearchKey = (typeof SEARCH_KEYS)[number];

export function readSearchCommand(section: Section): SearchKey[] {
  const text = section.string('search_command', 'UNSEEN');
  const words = text.trim().toUpperCase().split(/\s+/).filter(Boolean);
  const unknown = words.filter((word) => !(SEARCH_KEYS as readonly string[]).includes(word));
  if (unknown.length > 0) {
    section.fail(
      'search_command',
      `${unknown.join(' ')} is not supported; use one or more of ${SEARCH_KEYS.join(', ')} (e.g. "UNSEEN" or "UNSEEN UNDELETED")`,
    );
    return ['UNSEEN'];
  }
  return words.length > 0 ? (words as SearchKey[]) : ['UNSEEN'];
}
