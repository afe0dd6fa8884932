import type { MailText } from '../handlers/context.js';
import { trimReply, trimReplySplit } from '../reply/index.js';
import { attachmentsOf } from './attachments.js';
import type { ReceivedMail } from './mail.js';

// A body that still shows MIME structure means the parse went wrong; GitLab then treats it as blank.
const MIME_DEBRIS = /Content-Type:|multipart\/alternative|text\/plain/;

/** GitLab's ReplyParser over a parsed mail: body selection, trimming, and the blank-reply rules. */
export function mailTextOf(mail: ReceivedMail): MailText {
  const source = selectedBody(mail);
  return {
    async body({ trimReply: trim, allowOnlyQuotes }) {
      if (source === '') return '';
      return finish(trim ? (trimReply(source) ?? '') : source, allowOnlyQuotes);
    },
    async bodyWithElided() {
      if (source === '') return { body: '', elided: '' };
      const split = trimReplySplit(source);
      return { body: finish(split?.trimmed ?? '', false), elided: split?.elided ?? '' };
    },
    attachments: () => attachmentsOf(mail),
  };
}

function selectedBody(mail: ReceivedMail): string {
  const text = mail.parsed.text ?? '';
  return MIME_DEBRIS.test(text) ? '' : text.replace(/\r\n?/g, '\n');
}

/** One trailing space or tab per line goes; a reply that is only blank or quoted lines is blank. */
function finish(text: string, allowOnlyQuotes: boolean): string {
  const lines = text.split('\n').map((line) => line.replace(/[ \t]$/, ''));
  const meaningless = lines.every((line) => line.trim() === '' || (!allowOnlyQuotes && line.startsWith('>')));
  return meaningless ? '' : lines.join('\n').trim();
}
