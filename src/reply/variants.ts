// The four message variants GitLab's handlers read from a reply (ReplyProcessing).
import { type ReplyParserOptions, parseReplyText } from './replyParser.js';
import { rubyStrip } from './rubyText.js';

export type VariantOptions = {
  /** Markdown links of uploaded attachments, appended after a blank line each. */
  attachmentLinks?: string[];
};

// A quick action is a line that starts with "/command".
const QUICK_ACTION = /^\/[A-Za-z_][\w-]*(?:[ \t].*)?$/;

/** The text with quick-action lines removed (fenced code and quotes are left alone). */
export function withoutQuickActions(text: string): string {
  let fenced = false;
  const kept = text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    return fenced || !QUICK_ACTION.test(line);
  });
  return rubyStrip(kept.join('\n'));
}

/** Appends the quoted part in a collapsed <details> block, unless there is nothing worth it. */
export function appendReply(message: string, reply: string): string {
  if (rubyStrip(message) === '' || rubyStrip(reply) === '') return message;
  if (withoutQuickActions(message) === '') return message;
  return `${message}\n\n<details><summary>...</summary>\n\n${reply}\n\n</details>`;
}

function processMessage(raw: Buffer | string, parser: ReplyParserOptions, options: VariantOptions): string {
  const { body, elided } = parseReplyText(raw, parser);
  const links = (options.attachmentLinks ?? []).map((link) => `\n\n${link}`).join('');
  const message = rubyStrip(body) + links;
  return parser.appendReply ? appendReply(message, elided) : message;
}

/** Trimmed reply (merge request descriptions, notes on non-issues). */
export function message(raw: Buffer | string, options: VariantOptions = {}): string {
  return processMessage(raw, {}, options);
}

/** Whole body, quotes kept (notes on issuables, Service Desk replies). */
export function messageIncludingReply(raw: Buffer | string, options: VariantOptions = {}): string {
  return processMessage(raw, { trimReply: false }, options);
}

/** Whole body, even when it is only quotes (new issues, Service Desk tickets). */
export function messageIncludingReplyOrOnlyQuotes(raw: Buffer | string, options: VariantOptions = {}): string {
  return processMessage(raw, { trimReply: false, allowOnlyQuotes: true }, options);
}

/** Trimmed reply with the quoted text appended in <details> (reply notes on issues). */
export function messageWithAppendedReply(raw: Buffer | string, options: VariantOptions = {}): string {
  return processMessage(raw, { appendReply: true }, options);
}
