import type { MailText } from '../handlers/context.js';
import { replyFromBody, selectBody, type SelectedBody } from '../reply/index.js';
import { attachmentsOf } from './attachments.js';
import type { ReceivedMail } from './mail.js';

/** GitLab's ReplyParser over a received mail: the body is chosen and decoded once, then trimmed per variant. */
export function mailTextOf(mail: ReceivedMail): MailText {
  let selected: SelectedBody | undefined;
  const body = () => (selected ??= selectBody(mail.raw));
  return {
    async body({ trimReply, allowOnlyQuotes }) {
      const { text, isHtml } = body();
      return replyFromBody(text, isHtml, { trimReply, allowOnlyQuotes }).body.trim();
    },
    async bodyWithElided() {
      const { text, isHtml } = body();
      const { body: reply, elided } = replyFromBody(text, isHtml, { trimReply: true, appendReply: true });
      return { body: reply.trim(), elided };
    },
    attachments: () => attachmentsOf(mail),
  };
}
