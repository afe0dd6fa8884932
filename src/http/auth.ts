import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The token a request carries: `Authorization: Bearer …` or GitLab's `PRIVATE-TOKEN`. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  const privateToken = headers['private-token'];
  return typeof privateToken === 'string' && privateToken !== '' ? privateToken : undefined;
}

/**
 * Compares digests, not the strings: equal lengths for timingSafeEqual, and the time taken says
 * nothing about how much of a guess was right. No configured token means no API.
 */
export function isAuthorised(headers: IncomingHttpHeaders, expected: string | undefined): boolean {
  const presented = presentedToken(headers);
  if (expected === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}
