import type { MailTarget } from '../address/index.js';
import type { SenderIdentity } from '../auth/index.js';
import type { ReceivedMail } from '../receiver/mail.js';
import type { Attachment, Sink } from './sink.js';

/** The reply text in GitLab's variants (spec §3.3), computed lazily by the receiver. */
export interface MailText {
  /** ReplyParser's body with the given options, already stripped. */
  body(options: { trimReply: boolean; allowOnlyQuotes: boolean }): Promise<string>;
  /** Trimmed body and the quoted part the trimmer removed, for the `<details>` block. */
  bodyWithElided(): Promise<{ body: string; elided: string }>;
  /** Attachments GitLab would upload: S/MIME signature parts left out. */
  attachments(): Promise<Attachment[]>;
}

export interface HandlerContext<T extends MailTarget = MailTarget> {
  mail: ReceivedMail;
  target: T;
  sink: Sink;
  text: MailText;
  /** `<Message-ID>|<mail key>`: actions with the same key happen once. */
  idempotencyKey: string;
  /** GitLab's from_address: the first Reply-To, From or Sender address (Service Desk's customer). */
  fromAddress?: string;
  /** The address that may act as a user (From, unless `identity: gitlab`), or why none may. */
  sender: SenderIdentity;
  /** Addresses of our own Service Desk (never added as ticket participants). */
  isOwnAddress(address: string): boolean;
}
