import { createHmac, randomBytes } from 'node:crypto';

export const MAILROOM_JWT_HEADER = 'Gitlab-Mailroom-Api-Request';
export const MAILROOM_JWT_ISSUER = 'gitlab-mailroom';

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** The token mail_room sends: HS256 over {iss, iat, nonce}, made fresh for every request so it is never replayed stale. */
export function mailroomJwt(secret: Buffer, nowMs: number = Date.now()): string {
  const payload = base64url(
    JSON.stringify({ iss: MAILROOM_JWT_ISSUER, iat: Math.floor(nowMs / 1000), nonce: randomBytes(12).toString('hex') }),
  );
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
