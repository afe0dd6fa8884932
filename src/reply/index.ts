// Reply parsing: pure functions from a raw message to the text a note gets.
export { type Budget, htmlNodesWithin, readingBudget, ReplyBudgetExceeded } from './budget.js';
export { type SelectedBody, selectBody } from './body.js';
export { type ReplyParserOptions, type ReplyText, type TrimmingMode, replyFromBody } from './replyParser.js';
export { appendReply } from './appendedReply.js';
