import { describe, expect, it } from 'vitest';
import {
  authenticationResultsHeader,
  dmarcRefusal,
  senderIdentity,
  withoutClaimedResults,
  type AuthResults,
  type SenderPolicy,
} from '../../src/auth/index.js';

const client = { ip: '192.0.2.7', helo: 'mx.example.test', mailFrom: 'bob@example.test' };
function results(overrides: Partial<AuthResults> = {}): AuthResults {
  return {
    spf: { result: 'none', domain: 'example.test' },
    dkim: [],
    dmarc: { result: 'none' },
    arc: { result: 'none' },
    fromDomain: 'example.test',
    client,
    ...overrides,
  };
}
const bob = { from: ['bob@example.test'], replyTo: [], sender: [] };
const policy: SenderPolicy = { dmarcReject: true, identity: 'author', require: 'not_failed' };

describe('the identity policy', () => {
  it('not_failed believes an unverified sender and refuses one whose domain failed', () => {
    expect(senderIdentity(bob, results(), policy)).toMatchObject({ accepted: true, address: 'bob@example.test' });
    expect(senderIdentity(bob, results({ dmarc: { result: 'fail', policy: 'none' } }), policy)).toEqual({
      accepted: false,
      address: 'bob@example.test',
      reason: 'dmarc=fail for example.test',
    });
    expect(senderIdentity(bob, results({ spf: { result: 'fail', domain: 'example.test' } }), policy)).toMatchObject({
      accepted: false,
      reason: 'spf=fail for example.test',
    });
  });

  it('an SPF failure of another domain (a list, a forwarder) is not a failure of the From domain', () => {
    const forwarded = results({ spf: { result: 'fail', domain: 'lists.other.test' } });
    expect(senderIdentity(bob, forwarded, policy)).toMatchObject({ accepted: true });
  });

  it('a DKIM pass aligned with From outweighs a failing SPF', () => {
    const signed = results({
      spf: { result: 'fail', domain: 'example.test' },
      dkim: [{ result: 'pass', domain: 'example.test', selector: 's1', aligned: true }],
    });
    expect(senderIdentity(bob, signed, policy)).toMatchObject({ accepted: true, standing: { standing: 'aligned' } });
  });

  it('aligned wants an aligned pass; off believes anything', () => {
    const aligned = { ...policy, require: 'aligned' as const };
    expect(senderIdentity(bob, results(), aligned)).toMatchObject({ accepted: false });
    expect(senderIdentity(bob, results({ dmarc: { result: 'pass' } }), aligned)).toMatchObject({ accepted: true });
    expect(senderIdentity(bob, undefined, aligned)).toMatchObject({ accepted: false });
    const off = { ...policy, require: 'off' as const };
    expect(senderIdentity(bob, results({ dmarc: { result: 'fail' } }), off)).toMatchObject({ accepted: true });
  });

  it('Reply-To picks the address only under identity: gitlab', () => {
    const withReplyTo = { ...bob, from: ['eve@evil.example'], replyTo: ['bob@example.test'] };
    const evil = results({ fromDomain: 'evil.example' });
    expect(senderIdentity(withReplyTo, evil, policy)).toMatchObject({ address: 'eve@evil.example' });
    expect(senderIdentity(withReplyTo, evil, { ...policy, identity: 'gitlab' })).toMatchObject({
      address: 'bob@example.test',
    });
  });

  it('several From addresses, or a From read differently by the authenticator, act as no one', () => {
    const two = { ...bob, from: ['bob@example.test', 'eve@evil.example'] };
    expect(senderIdentity(two, results({ fromDomain: undefined }), policy)).toMatchObject({ accepted: false });
    expect(senderIdentity(bob, results({ fromDomain: 'evil.example' }), policy)).toMatchObject({ accepted: false });
  });
});

describe('the refusal at end of DATA', () => {
  it('is made only for a DMARC failure under p=reject, and only when dmarc_reject is on', () => {
    expect(
      dmarcRefusal(results({ dmarc: { result: 'fail', policy: 'reject', domain: 'example.test' } }), policy),
    ).toMatch(/example\.test publishes a DMARC reject policy/);
    expect(dmarcRefusal(results({ dmarc: { result: 'fail', policy: 'quarantine' } }), policy)).toBeUndefined();
    expect(dmarcRefusal(results({ dmarc: { result: 'temperror', policy: 'reject' } }), policy)).toBeUndefined();
    expect(
      dmarcRefusal(results({ dmarc: { result: 'fail', policy: 'reject' } }), { ...policy, dmarcReject: false }),
    ).toBeUndefined();
  });
});

describe('Authentication-Results', () => {
  it('a sender-chosen value cannot break out of the field', () => {
    const header = authenticationResultsHeader(
      'postroom.test',
      results({ client: { ...client, helo: 'x\r\nX-Injected: 1', mailFrom: 'a;b@example.test' } }),
    ).toString();
    expect(header.split('\r\n').filter((line) => /^\S/.test(line))).toHaveLength(1);
    expect(header).toContain('smtp.helo="x??X-Injected: 1"');
    expect(header).toContain('smtp.mailfrom="a;b@example.test"');
  });

  it('fields claiming our authserv-id are removed whatever their case, comments or version', () => {
    const head = [
      'Authentication-Results: Postroom.Test; dkim=pass',
      'Authentication-Results: (forged)\r\n postroom.test 1;\r\n spf=pass',
      'Authentication-Results: postroom.test.evil.example; spf=pass',
      'Subject: hi',
    ].join('\r\n');
    expect(withoutClaimedResults(head, 'postroom.test')).toBe(
      'Authentication-Results: postroom.test.evil.example; spf=pass\r\nSubject: hi',
    );
    expect(withoutClaimedResults('Subject: hi', 'postroom.test')).toBeUndefined();
  });
});
