import type { SearchObject } from 'imapflow';

// mail_room passes `search_command` to UID SEARCH verbatim; these are the single keys that make
// sense for a mailbox drained by a bot. Anything else is refused at start rather than guessed at.
const SEARCH_KEYS: Record<string, SearchObject> = {
  UNSEEN: { seen: false },
  ALL: { all: true },
  NEW: { new: true },
  RECENT: { recent: true },
};

export function imapSearchQuery(searchCommand: string): SearchObject {
  const key = searchCommand.trim().toUpperCase() || 'UNSEEN';
  const query = SEARCH_KEYS[key];
  if (!query) {
    throw new Error(
      `search_command "${searchCommand}" is not supported; use one of ${Object.keys(SEARCH_KEYS).join(', ')}`,
    );
  }
  return query;
}
