import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Compares digests, not the strings: equal lengths for timingSafeEqual, and the time taken says
 * nothing about how much of a guess was right.
 */
export function sameSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (expected === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token a request carries: `Authorization: Bearer …` or GitLab's `PRIVATE-TOKEN`. */
function presentedToken(headers: Headers): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  if (bearer) return bearer[1];
  const privateToken = headers.get('private-token');
  return privateToken ? privateToken : undefined;
}

/** No configured token means no API. */
export function isAuthorised(headers: Headers, expected: string | undefined): boolean {
  return sameSecret(presentedToken(headers), expected);
}
