import { buildMailKey } from '../address/index.js';
import type { Noteable, Project } from '../handlers/sink.js';
import type { OutgoingContext } from './context.js';
import { newMessageId, type MailAddress, type MailHeader } from './message.js';

const ROUTE_KEYS = { Issue: 'issue', MergeRequest: 'merge_request' } as const;
const URL_SEGMENTS = { Issue: 'issues', MergeRequest: 'merge_requests' } as const;
const REFERENCE_PREFIXES = { Issue: '#', MergeRequest: '!' } as const;
// Room left for the project id and the host in a List-Id (RFC 2919 keeps it a domain-like name).
const MAX_LIST_ID_PATH = 64;

/** `<issue_42@host>`: the id every mail about this issue threads under, whoever receives it. */
export function threadRootId(noteable: Noteable, host: string): string {
  return `<${ROUTE_KEYS[noteable.type]}_${noteable.id}@${host}>`;
}

/** `<reply-KEY@host>`: lets the receiver find the key in References when the To address lost it. */
export function replyReferenceId(replyKey: string, host: string): string {
  return `<reply-${replyKey}@${host}>`;
}

export function noteableReference(noteable: Noteable): string {
  return `${REFERENCE_PREFIXES[noteable.type]}${noteable.iid}`;
}

export function noteableUrl(context: OutgoingContext, project: Project, noteable: Noteable): string {
  return `${context.baseUrl}/${project.fullPath}/-/${URL_SEGMENTS[noteable.type]}/${noteable.iid}`;
}

export function unsubscribeUrl(context: OutgoingContext, replyKey: string): string {
  return `${context.baseUrl}/-/sent_notifications/${encodeURIComponent(replyKey)}/unsubscribe`;
}

export interface Threading {
  messageId: string;
  inReplyTo: string;
  references: string[];
}

/** Unique Message-ID; In-Reply-To the thread root; References with our reply id first, as GitLab does. */
export function threading(context: OutgoingContext, noteable: Noteable, replyKey: string | null): Threading {
  const root = threadRootId(noteable, context.host);
  const replyId = replyKey && context.incoming ? [replyReferenceId(replyKey, context.host)] : [];
  return { messageId: newMessageId(context.host), inReplyTo: root, references: [...replyId, root] };
}

export interface ReplyHeaders {
  replyTo?: MailAddress;
  headers: MailHeader[];
}

/**
 * Reply-To and unsubscribe headers for a mail that has a reply key. Without incoming email nothing
 * invites a reply by mail; the https unsubscribe link needs only the key.
 */
export function replyHeaders(context: OutgoingContext, project: Project, replyKey: string | null): ReplyHeaders {
  if (!replyKey) return { headers: [] };
  const incoming = context.incoming;
  const unsubscribe = [`<${unsubscribeUrl(context, replyKey)}>`];
  if (incoming?.supportsWildcard) unsubscribe.push(`<mailto:${incoming.build(buildMailKey.unsubscribe(replyKey))}>`);
  return {
    replyTo: incoming ? { name: project.name, address: incoming.build(replyKey) } : undefined,
    headers: [
      { name: 'X-GitLab-Reply-Key', value: replyKey },
      { name: 'List-Unsubscribe', value: unsubscribe.join(', ') },
      // RFC 8058: mail providers may unsubscribe with one POST, without a person visiting the page.
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}

export function projectHeaders(project: Project, host: string): MailHeader[] {
  return [
    { name: 'X-GitLab-Project', value: project.name },
    { name: 'X-GitLab-Project-Id', value: String(project.id) },
    { name: 'X-GitLab-Project-Path', value: project.fullPath },
    { name: 'List-Id', value: `${project.fullPath} <${listId(project, host)}>` },
  ];
}

/** `X-GitLab-Issue-ID` / `-IID` / `-State`, or the MergeRequest ones: what mail filters sort on. */
export function noteableHeaders(noteable: Noteable): MailHeader[] {
  const prefix = `X-GitLab-${noteable.type}`;
  return [
    { name: `${prefix}-ID`, value: String(noteable.id) },
    { name: `${prefix}-IID`, value: String(noteable.iid) },
    { name: `${prefix}-State`, value: noteable.state },
  ];
}

/** `<id>.<path reversed, dot-separated>.<host>`: the id keeps it unique, the path keeps it readable. */
function listId(project: Project, host: string): string {
  const path = project.fullPath
    .toLowerCase()
    .split('/')
    .reverse()
    .map((segment) => segment.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter((segment) => segment !== '')
    .join('.')
    .slice(0, MAX_LIST_ID_PATH)
    .replace(/[.-]+$/, '');
  return `${project.id}.${path}.${host}`;
}
