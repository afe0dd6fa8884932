import type { PostbackResult } from './types.js';

// Longer bodies (HTML error pages) are cut: a reason is for a log line and a dead-letter row.
const MAX_REASON_CHARS = 300;

export interface GitlabAnswer {
  status: number;
  statusText: string;
  body: string;
  location: string | null;
}

/**
 * Maps GitLab's answer to what the worker should do. The rule: only a 2xx means GitLab has the
 * message; anything that may pass (outage, proxy hiccup, rotated secret) is retried; only a
 * request GitLab will never take (e.g. 400 "too large") is dead, with GitLab's own words.
 */
export function resultOfAnswer(answer: GitlabAnswer): PostbackResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const heard = `GitLab answered ${status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
  const message = messageOf(answer.body);
  if (status === 401) {
    return {
      kind: 'retry',
      status,
      loud: true,
      reason: `${heard}: GitLab refused the mail_room secret (secret_file differs from GitLab's, or the mailbox is not enabled in GitLab)`,
    };
  }
  if (status >= 300 && status < 400) {
    // A redirected POST would be replayed as a GET by fetch, so it is not followed but reported.
    return {
      kind: 'retry',
      status,
      loud: true,
      reason: `${heard} redirecting to ${answer.location ?? '(no location)'}: set gitlab_url to the address GitLab is served on`,
    };
  }
  // 408 and 429 are about timing, not about the message.
  if (status >= 500 || status === 408 || status === 429) {
    return { kind: 'retry', status, reason: message ? `${heard}: ${message}` : heard };
  }
  return { kind: 'dead', status, reason: message ?? heard };
}

/** GitLab's API says why in `{"message": ...}` (Grape also uses `error`); plain text is taken as is. */
function messageOf(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      const { message, error } = parsed as { message?: unknown; error?: unknown };
      const found = typeof message === 'string' ? message : typeof error === 'string' ? error : undefined;
      if (found) return cut(found);
    }
  } catch {
    // Not JSON: fall through to plain text.
  }
  return text.startsWith('<') ? undefined : cut(text);
}

function cut(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON_CHARS ? `${oneLine.slice(0, MAX_REASON_CHARS)}…` : oneLine;
}

/** The request's time ran out: GitLab took it (or the connection) and said nothing. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** A request that got no answer at all is always worth another try: nothing reached GitLab's queue. */
export function resultOfFailure(error: unknown, url: string, timeoutMs: number): PostbackResult {
  if (isTimeout(error)) {
    return { kind: 'retry', reason: `GitLab did not answer within ${timeoutMs} ms (${url})` };
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail =
    typeof cause?.message === 'string' && cause.message
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error);
  const described = code && !detail.includes(code) ? `${code} ${detail}` : detail;
  return { kind: 'retry', reason: `could not reach GitLab at ${url}: ${described}` };
}
