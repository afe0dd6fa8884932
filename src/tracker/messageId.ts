/** Message-IDs are compared without angle brackets or surrounding space, as the mail gem gives them. */
export const normaliseMessageId = (messageId: string): string =>
  messageId.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
