/** GitLab's two mailbox types: the last segment of `/api/v4/internal/mail_room/<type>`. */
export const MAILROOM_MAILBOX_TYPES = ['incoming_email', 'service_desk_email'] as const;
export type MailroomMailboxType = (typeof MAILROOM_MAILBOX_TYPES)[number];

/**
 * What became of one postback. `retry` keeps the message for another attempt; `loud` marks a
 * failure an operator must fix (a refused secret, a moved URL) rather than wait out.
 */
export type PostbackResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; reason: string; status?: number; loud?: true }
  | { kind: 'dead'; reason: string; status: number };
