import { describe, expect, it } from 'vitest';
import { parseCredentials } from '../../src/secrets/index.js';

describe('credentials YAML', () => {
  it('reads user and password', () => {
    expect(parseCredentials('user: a@example.com\npassword: "s3cret"\n', 'stdin')).toEqual({
      user: 'a@example.com',
      password: 's3cret',
    });
    expect(parseCredentials('password: only\n', 'stdin')).toEqual({ password: 'only' });
  });

  it('refuses values YAML would have turned into something else, and unknown keys', () => {
    expect(() => parseCredentials('user: a@example.com\npassword: 0123\n', 'stdin')).toThrow(
      'stdin: password: must be a string (put it in quotes)',
    );
    expect(() => parseCredentials('user: a\npasword: b\n', 'stdin')).toThrow(
      'stdin: pasword: unknown key (only user and password)',
    );
  });

  it('refuses empty or shapeless input', () => {
    expect(() => parseCredentials('', 'stdin')).toThrow('stdin: must be a mapping with user: and password:');
    expect(() => parseCredentials('- a\n- b\n', 'stdin')).toThrow('stdin: must be a mapping');
    expect(() => parseCredentials('{}\n', 'stdin')).toThrow('stdin: neither user nor password is given');
    expect(() => parseCredentials('user: [unclosed\n', 'stdin')).toThrow(/stdin: not valid YAML/);
  });
});
