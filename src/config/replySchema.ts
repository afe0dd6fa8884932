import type { Section } from './reader.js';
import type { ReplyConfig } from './types.js';

const DEFAULT_BUDGET_MS = 10_000;

/** The `reply` section: how the embedded tracker reads the text of a mail, and what that may cost. */
export function readReply(section: Section): ReplyConfig {
  const trimming = section.oneOf('trimming', ['gitlab', 'postroom'] as const, 'postroom');
  const budgetMs = section.duration('budget', DEFAULT_BUDGET_MS, 1, 600_000);
  section.rejectUnknown();
  return { trimming, budgetMs };
}
