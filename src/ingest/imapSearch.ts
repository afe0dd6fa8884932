import type { SearchObject } from 'imapflow';
import type { SearchKey } from '../config/index.js';

// Each supported UID SEARCH key as imapflow's query; several keys are ANDed, as in IMAP.
const QUERIES: Record<SearchKey, SearchObject> = {
  ALL: { all: true },
  UNSEEN: { seen: false },
  SEEN: { seen: true },
  NEW: { new: true },
  OLD: { old: true },
  RECENT: { recent: true },
  UNDELETED: { deleted: false },
  DELETED: { deleted: true },
  UNFLAGGED: { flagged: false },
  FLAGGED: { flagged: true },
  UNANSWERED: { answered: false },
  ANSWERED: { answered: true },
};

export function imapSearchQuery(keys: readonly SearchKey[]): SearchObject {
  return Object.assign({}, ...keys.map((key) => QUERIES[key])) as SearchObject;
}
