// GitLab's ReplyParser after body selection: HTML conversion, trimming and the final checks.
import { type Budget, UNLIMITED } from './budget.js';
import { htmlToMarkdown } from './html.js';
import { trimPostroom } from './postroomTrimmer.js';
import { rubyStrip } from './rubyText.js';
import { type TrimResult, trimReplySplit } from './trimmer.js';

/** `gitlab`: GitLab's trimmer, byte for byte; `postroom`: keeps what the sender wrote, cuts what clients quote. */
export type TrimmingMode = 'gitlab' | 'postroom';

export type ReplyParserOptions = {
  /** Cut quotes, signatures and forwarded mail (default true). */
  trimReply?: boolean;
  /** Keep a body made only of quoted lines (default false; needs trimReply: false). */
  allowOnlyQuotes?: boolean;
  /** Whose trimming (default gitlab). */
  trimming?: TrimmingMode;
  budget?: Budget;
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

/** Postroom's trimming of a decoded body; HTML quotes are cut in the markup, then in the text. */
function trimmedByPostroom(text: string, isHtml: boolean, budget: Budget): TrimResult | null {
  if (!isHtml) return trimPostroom(text, budget);
  const pruned = trimPostroom(htmlToMarkdown(text, { withoutQuotes: true, budget }), budget);
  if (pruned && pruned.trimmed !== '') return pruned;
  // The markup marked the sender's own text as quoted (a reply below the quote): read it as text.
  return trimPostroom(htmlToMarkdown(text, { budget }), budget);
}

function trimmed(text: string, isHtml: boolean, mode: TrimmingMode, budget: Budget): TrimResult | null {
  if (mode === 'postroom') return trimmedByPostroom(text, isHtml, budget);
  return trimReplySplit(isHtml ? htmlToMarkdown(text, { budget }) : text, budget);
}

/** The reply text of a decoded body (the part of the parser after body selection). */
export function replyFromBody(text: string, isHtml: boolean, options: ReplyParserOptions = {}): ReplyText {
  const { trimReply = true, allowOnlyQuotes = false, trimming = 'gitlab', budget = UNLIMITED } = options;
  if (allowOnlyQuotes && trimReply) throw new Error('Cannot use `allowOnlyQuotes: true` with `trimReply: true`');
  let body = text;
  let elided = '';
  if (trimReply) {
    const result = trimmed(text, isHtml, trimming, budget);
    if (result === null) return { body: '', elided: '' };
    body = result.trimmed;
    elided = result.elided;
  } else if (isHtml) {
    body = htmlToMarkdown(text, { budget });
  }
  body = dropOneTrailingBlank(body);
  if (isEffectivelyEmpty(body, allowOnlyQuotes)) return { body: '', elided: '' };
  return { body, elided };
}
