import type { RawHeader } from '../address/index.js';

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk', 'auto_reply']);
// Exchange's list of auto-answers the sender refuses; a rejection notice is one of them.
const SUPPRESSED_RESPONSES = new Set(['all', 'autoreply', 'ndr']);
// Mailboxes run by software (bounce handlers, list managers, no-reply senders): a notice there
// is at best unread and at worst answered by another robot.
const SYSTEM_LOCAL_PART = /^(?:mailer-daemon|postmaster|post_master|no-?reply|do-?not-?reply|owner-.+|.+-(?:request|bounces?|owner|admin))$/i;

function valuesOf(headers: readonly RawHeader[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers
    .filter((header) => header.name.toLowerCase() === wanted)
    .map((header) => header.value.replace(/\r?\n(?=[ \t])/g, '').trim());
}

/** The value up to its first `;` (parameters and comments such as `auto-replied; owner-email=…`), lowercased. */
function token(value: string): string {
  return value.split(';')[0].replace(/\([^)]*\)/g, '').trim().toLowerCase();
}

/**
 * Why these headers mark the message as machine-sent, or null when nothing does. Checks more than
 * GitLab (which looks at Auto-Submitted and X-Autoreply only), as Zammad and Jira do: bounces and
 * vacation replies that slip past the receiver must still never be answered.
 */
export function automaticMailSignal(headers: readonly RawHeader[]): string | null {
  for (const value of valuesOf(headers, 'auto-submitted')) {
    if (token(value) !== 'no') return `Auto-Submitted: ${value}`;
  }
  for (const value of valuesOf(headers, 'x-autoreply')) {
    if (token(value) === 'yes') return `X-Autoreply: ${value}`;
  }
  if (valuesOf(headers, 'x-autorespond').length > 0) return 'X-Autorespond is present';
  // iCloud's vacation replies carry no RFC 3834 header, only this one.
  if (valuesOf(headers, 'x-apple-action').some((value) => token(value) === 'vacation')) return 'X-Apple-Action: VACATION';
  for (const value of valuesOf(headers, 'precedence')) {
    if (BULK_PRECEDENCE.has(token(value))) return `Precedence: ${value}`;
  }
  for (const value of valuesOf(headers, 'x-auto-response-suppress')) {
    const kinds = value.toLowerCase().split(/[\s,]+/);
    if (kinds.some((kind) => SUPPRESSED_RESPONSES.has(kind))) return `X-Auto-Response-Suppress: ${value}`;
  }
  if (valuesOf(headers, 'x-loop').length > 0) return 'X-Loop is present';
  for (const value of valuesOf(headers, 'content-type')) {
    if (token(value) === 'multipart/report') return 'it is a delivery or disposition report (multipart/report)';
  }
  for (const value of valuesOf(headers, 'return-path')) {
    if (/^<\s*>$/.test(value)) return 'its Return-Path is null (<>)';
  }
  return null;
}

/** Why this address belongs to software rather than a person, or null. */
export function systemSenderSignal(address: string): string | null {
  const at = address.lastIndexOf('@');
  const localPart = at >= 0 ? address.slice(0, at) : address;
  return SYSTEM_LOCAL_PART.test(localPart) ? `${address} is a system mailbox` : null;
}
