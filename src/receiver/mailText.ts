import type { ReplyConfig } from '../config/index.js';
import type { MailText } from '../handlers/context.js';
import { readingBudget, replyFromBody, selectBody, type Budget, type SelectedBody } from '../reply/index.js';
import { attachmentsOf } from './attachments.js';
import type { ReceivedMail } from './mail.js';

/**
 * GitLab's ReplyParser over a received mail: the body is chosen and decoded once, then trimmed per
 * variant, all within one budget of time and of HTML nodes (past it, ReplyBudgetExceeded makes the
 * message a dead letter). `maxHtmlNodes` bounds what an HTML body's conversion may build
 * (htmlNodesWithin the routing heap).
 */
export function mailTextOf(mail: ReceivedMail, reading: ReplyConfig, maxHtmlNodes: number): MailText {
  let selected: SelectedBody | undefined;
  let budget: Budget | undefined;
  const body = () => (selected ??= selectBody(mail.raw));
  const options = () => ({
    trimming: reading.trimming,
    budget: (budget ??= readingBudget({ ms: reading.budgetMs, maxHtmlNodes })),
  });
  return {
    async body({ trimReply, allowOnlyQuotes }) {
      const { text, isHtml } = body();
      return replyFromBody(text, isHtml, { trimReply, allowOnlyQuotes, ...options() }).body.trim();
    },
    async bodyWithElided() {
      const { text, isHtml } = body();
      const { body: reply, elided } = replyFromBody(text, isHtml, { trimReply: true, ...options() });
      return { body: reply.trim(), elided };
    },
    attachments: () => attachmentsOf(mail),
  };
}
