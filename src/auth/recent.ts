const SAME_SENDER_MS = 60_000;
const MAX_RECENT = 10_000;

/**
 * Answers that are a function of the session's client, a header field and DNS answers (cached
 * anyway), reused for a sender's burst: computed once per key within `min(60 s, ttlMs)`, not once
 * per message. A temporary failure is worth asking again at once, so it is not kept.
 */
export function recentAnswers<T>(
  ttlMs: number,
  temporary: (answer: T) => boolean,
): (key: string, compute: () => Promise<T>) => Promise<T> {
  const recent = new Map<string, { expires: number; answer: Promise<T> }>();
  const keepMs = Math.min(SAME_SENDER_MS, ttlMs);
  return (key, compute) => {
    const now = Date.now();
    const hit = recent.get(key);
    if (hit && hit.expires > now) return hit.answer;
    const answer = compute();
    if (keepMs === 0) return answer;
    if (recent.size >= MAX_RECENT) recent.delete(recent.keys().next().value as string);
    const entry = { expires: now + keepMs, answer };
    recent.set(key, entry);
    const forget = () => recent.get(key) === entry && recent.delete(key);
    answer.then((found) => temporary(found) && forget(), forget);
    return answer;
  };
}
