import { appendReply } from '../reply/index.js';
import type { HandlerContext } from './context.js';
import type { Attachment, Project, User } from './sink.js';

export type BodyVariant =
  'message' | 'messageIncludingReply' | 'messageIncludingReplyOrOnlyQuotes' | 'messageWithAppendedReply';

/**
 * process_message: the reply text in the chosen variant, then one link per uploaded attachment,
 * then (for replies on issues) the quoted part in a `<details>` block.
 */
export async function composeBody(
  context: HandlerContext,
  variant: BodyVariant,
  project: Project,
  author: User,
  only?: (attachment: Attachment) => boolean,
): Promise<string> {
  const attachments = (await context.text.attachments()).filter(only ?? (() => true));
  let body: string;
  let elided = '';
  if (variant === 'messageWithAppendedReply') ({ body, elided } = await context.text.bodyWithElided());
  else
    body = await context.text.body({
      trimReply: variant === 'message',
      allowOnlyQuotes: variant === 'messageIncludingReplyOrOnlyQuotes',
    });
  for (const attachment of attachments) {
    const upload = await context.sink.upload(project, author, attachment);
    if (upload) body += `\n\n${upload.markdown}`;
  }
  return variant === 'messageWithAppendedReply' ? appendReply(body, elided) : body;
}
