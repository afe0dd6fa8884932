// Reply parsing: pure functions from a raw message to the text GitLab would post.
export { type ReplyAttachment, extractAttachments, simplifiedMimeType, withoutSignatures } from './attachments.js';
export { type SelectedBody, selectBody } from './body.js';
export { htmlToMarkdown } from './html.js';
export { type ReplyParserOptions, type ReplyText, parseReply, parseReplyText, replyFromBody } from './replyParser.js';
export {
  type EmbeddedEmail,
  type LineKind,
  type TrimResult,
  classifyLine,
  extractEmbeddedEmail,
  trimReply,
  trimReplySplit,
} from './trimmer.js';
export {
  type VariantOptions,
  appendReply,
  message,
  messageIncludingReply,
  messageIncludingReplyOrOnlyQuotes,
  messageWithAppendedReply,
  withoutQuickActions,
} from './variants.js';
