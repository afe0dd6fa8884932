import { createHmac, timingSafeEqual } from 'node:crypto';

const ISSUER = 'gitlab-mailroom';
const MAX_AGE_SECONDS = 5 * 60;

export type JwtVerdict =
  { ok: true; payload: { iss: string; iat: number; nonce?: unknown } } | { ok: false; reason: string };

/**
 * Checks a token the way GitLab's mail_room authenticator does: HS256 with the shared secret
 * whatever the token claims, issuer gitlab-mailroom, iat present, not in the future and at most
 * five minutes old. The test stand-in for GitLab, deliberately not part of src.
 */
export function verifyMailroomJwt(token: string, secret: Buffer, nowMs: number = Date.now()): JwtVerdict {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not three parts' };
  const [encodedHeader, encodedPayload, encodedSignature] = parts;
  const header = decodeJson(encodedHeader);
  // The algorithm is fixed by the verifier; a token asking for another one (or "none") is refused.
  if (!header || header.alg !== 'HS256') return { ok: false, reason: 'algorithm is not HS256' };
  const expected = createHmac('sha256', secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const given = Buffer.from(encodedSignature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  const payload = decodeJson(encodedPayload);
  if (!payload) return { ok: false, reason: 'payload is not JSON' };
  if (payload.iss !== ISSUER) return { ok: false, reason: 'wrong issuer' };
  if (typeof payload.iat !== 'number') return { ok: false, reason: 'no iat' };
  const nowSeconds = nowMs / 1000;
  if (payload.iat > nowSeconds) return { ok: false, reason: 'iat in the future' };
  if (payload.iat < nowSeconds - MAX_AGE_SECONDS) return { ok: false, reason: 'expired' };
  return { ok: true, payload: payload as { iss: string; iat: number; nonce?: unknown } };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
