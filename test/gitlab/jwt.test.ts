import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mailroomJwt } from '../../src/gitlab/index.js';
import { verifyMailroomJwt } from '../helpers/mailroomJwt.js';

const SECRET = randomBytes(32);
const NOW = Date.parse('2025-01-01T12:00:00Z');

function decode(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function signed(header: object, payload: object): string {
  const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

describe('mail_room JWT', () => {
  it("has mail_room's header and claims", () => {
    const [header, payload] = mailroomJwt(SECRET, NOW).split('.');
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(payload)).toEqual({
      iss: 'gitlab-mailroom',
      iat: NOW / 1000,
      nonce: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
  });

  it('is accepted for five minutes and no longer', () => {
    const token = mailroomJwt(SECRET, NOW);
    expect(verifyMailroomJwt(token, SECRET, NOW).ok).toBe(true);
    expect(verifyMailroomJwt(token, SECRET, NOW + 5 * 60_000).ok).toBe(true);
    expect(verifyMailroomJwt(token, SECRET, NOW + 5 * 60_000 + 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is refused when issued in the future', () => {
    expect(verifyMailroomJwt(mailroomJwt(SECRET, NOW + 10_000), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'iat in the future',
    });
  });

  it('is refused with another secret', () => {
    expect(verifyMailroomJwt(mailroomJwt(randomBytes(32), NOW), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('is refused without iat, with another issuer, or when it asks for another algorithm', () => {
    const iat = NOW / 1000;
    expect(verifyMailroomJwt(signed({ alg: 'HS256' }, { iss: 'gitlab-mailroom' }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'no iat',
    });
    expect(verifyMailroomJwt(signed({ alg: 'HS256' }, { iss: 'mailroom', iat }), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'wrong issuer',
    });
    expect(verifyMailroomJwt(signed({ alg: 'none' }, { iss: 'gitlab-mailroom', iat }), SECRET, NOW).ok).toBe(false);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'gitlab-mailroom', iat })).toString('base64url')}.`;
    expect(verifyMailroomJwt(unsigned, SECRET, NOW).ok).toBe(false);
  });
});
