// GitLab's ReplyParser: body selection, HTML conversion, trimming and the final checks.
import { selectBody } from './body.js';
import { htmlToMarkdown } from './html.js';
import { rubyStrip } from './rubyText.js';
import { trimReplySplit } from './trimmer.js';

export type ReplyParserOptions = {
  /** Cut quotes, signatures and forwarded mail (default true). */
  trimReply?: boolean;
  /** Also return the cut-off text (default false). */
  appendReply?: boolean;
  /** Keep a body made only of quoted lines (default false; needs trimReply: false). */
  allowOnlyQuotes?: boolean;
};

export type ReplyText = { body: string; elided: string };

/** Ruby `gsub(/[ \t]$/, "")`: one trailing blank per line, so runs are only shortened. */
function dropOneTrailingBlank(text: string): string {
  return text.replace(/[ \t](?=\n|$)/g, '');
}

/** Every line blank, or (unless allowed) a quote. */
function isEffectivelyEmpty(text: string, allowOnlyQuotes: boolean): boolean {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.every((l) => rubyStrip(l) === '' || (!allowOnlyQuotes && l.startsWith('>')));
}

/** The reply text of a decoded body (the part of the parser after body selection). */
export function replyFromBody(text: string, isHtml: boolean, options: ReplyParserOptions = {}): ReplyText {
  const { trimReply = true, allowOnlyQuotes = false } = options;
  if (allowOnlyQuotes && trimReply) throw new Error('Cannot use `allowOnlyQuotes: true` with `trimReply: true`');
  let body = isHtml ? htmlToMarkdown(text) : text;
  let elided = '';
  if (trimReply) {
    const trimmed = trimReplySplit(body);
    if (trimmed === null) return { body: '', elided: '' };
    body = trimmed.trimmed;
    elided = trimmed.elided;
  }
  body = dropOneTrailingBlank(body);
  if (isEffectivelyEmpty(body, allowOnlyQuotes)) return { body: '', elided: '' };
  return { body, elided };
}

/** Reply text of a raw RFC 5322 message. */
export function parseReplyText(raw: Buffer | string, options: ReplyParserOptions = {}): ReplyText {
  const { text, isHtml } = selectBody(raw);
  return replyFromBody(text, isHtml, options);
}

/**
 * GitLab's `ReplyParser#execute` shape: the body, or `[body, elided]` with appendReply.
 * Async so callers need not change if parsing moves off the event loop.
 */
export async function parseReply(
  raw: Buffer | string,
  options: ReplyParserOptions & { appendReply: true },
): Promise<[string, string]>;
export async function parseReply(raw: Buffer | string, options?: ReplyParserOptions): Promise<string>;
export async function parseReply(
  raw: Buffer | string,
  options: ReplyParserOptions = {},
): Promise<string | [string, string]> {
  const { body, elided } = parseReplyText(raw, options);
  return options.appendReply ? [body, elided] : body;
}
