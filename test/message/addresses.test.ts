import { describe, expect, it } from 'vitest';
import { addressesIn } from '../../src/message/headers.js';

describe('address lists are parsed before display names are decoded', () => {
  it('an encoded display name that spells an address stays a name', () => {
    expect(addressesIn('=?utf-8?Q?Bob_=3Cbob=40example.net=3E?= <eve@evil.example>')).toEqual(['eve@evil.example']);
    expect(addressesIn('=?utf-8?B?PGJvYkBleGFtcGxlLm5ldD4=?= <eve@evil.example>')).toEqual(['eve@evil.example']);
  });

  it('a name alone, even one that decodes to an address, is no address', () => {
    expect(addressesIn('=?utf-8?Q?bob=40example.net?=')).toEqual([]);
  });

  it('quoted names, several addresses and groups read as mail clients read them', () => {
    expect(addressesIn('"Bob <bob@example.net>" <eve@evil.example>, carol@example.org')).toEqual([
      'eve@evil.example',
      'carol@example.org',
    ]);
    expect(addressesIn('Team: a@example.org, b@example.org;')).toEqual(['a@example.org', 'b@example.org']);
  });
});
