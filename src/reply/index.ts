// Reply parsing: pure functions from a raw message to the text a note gets.
export { type Budget, ReplyBudgetExceeded, timeBudget } from './budget.js';
export { type SelectedBody, selectBody } from './body.js';
export { type ReplyParserOptions, type ReplyText, type TrimmingMode, replyFromBody } from './replyParser.js';
export { appendReply } from './appendedReply.js';
