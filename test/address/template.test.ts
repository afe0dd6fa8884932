import { describe, it, expect } from 'vitest';
import { compileTemplate } from '../../src/address/index.js';

describe('compileTemplate: sub-address template', () => {
  const template = compileTemplate('incoming+%{key}@postroom.test');

  it.each([
    ['incoming+abc@postroom.test', 'abc'],
    ['<incoming+abc@postroom.test>', 'abc'],
    ['<incoming+abc@postroom.test', 'abc'],
    ['incoming+abc@postroom.test>', 'abc'],
    ['incoming+ABC@postroom.test', 'ABC'],
    ['incoming+gitlabhq/gitlabhq+auth_token@postroom.test', 'gitlabhq/gitlabhq+auth_token'],
    // The key is greedy, so it may hold '@' and a '>' that is not the closing bracket.
    ['incoming+a@b@postroom.test', 'a@b'],
    ['incoming+abc>@postroom.test', 'abc>'],
  ])('%s → key %s', (address, key) => {
    expect(template.match(address)).toEqual({ key });
  });

  it('compares the domain case-insensitively and the local part exactly', () => {
    expect(template.match('incoming+abc@Postroom.Test')).toEqual({ key: 'abc' });
    expect(template.match('<incoming+abc@POSTROOM.TEST>')).toEqual({ key: 'abc' });
    expect(template.match('Incoming+abc@postroom.test')).toBeNull();
    expect(template.match('INCOMING+abc@postroom.test')).toBeNull();
  });

  it.each([
    'incoming+@postroom.test',
    'incoming@postroom.test',
    'incoming+abc@postroom.test.evil',
    'incoming+abc@evil.postroom.test',
    'xincoming+abc@postroom.test',
    'incoming-abc@postroom.test',
    'Jake <incoming+abc@postroom.test>',
    '<<incoming+abc@postroom.test>',
    'incoming+a\nb@postroom.test',
    '',
  ])('rejects %j', (address) => {
    expect(template.match(address)).toBeNull();
  });

  it('accepts a local part longer than 64 characters', () => {
    const slug = 'a'.repeat(63);
    const key = `${slug}-123-glimt-${'b'.repeat(25)}-merge-request`;
    const address = `incoming+${key}@postroom.test`;
    expect(address.indexOf('@')).toBeGreaterThan(64);
    expect(template.match(address)).toEqual({ key });
  });

  it('builds the reply address and reads it back', () => {
    expect(template.build('abc')).toBe('incoming+abc@postroom.test');
    for (const key of ['59d8df8370b7e95c5a49fbf86aeb2c93', 'a@b', 'x-1-tok-issue-', '$&$1']) {
      expect(template.match(template.build(key))).toEqual({ key });
    }
  });

  it('reports wildcard support and its domain', () => {
    expect(template.supportsWildcard).toBe(true);
    expect(template.domain).toBe('postroom.test');
    expect(template.template).toBe('incoming+%{key}@postroom.test');
    expect(compileTemplate('incoming+%{key}@PostRoom.Test').domain).toBe('postroom.test');
  });

  it('handles a 100,000-character address in one pass', () => {
    const key = 'k'.repeat(100_000);
    expect(template.match(`incoming+${key}@postroom.test`)).toEqual({ key });
    expect(template.match(`incoming+${key}@postroom.tesx`)).toBeNull();
  });
});

describe('compileTemplate: other shapes', () => {
  it('treats a catch-all template like any other', () => {
    const catchAll = compileTemplate('incoming-%{key}@x.test');
    expect(catchAll.match('incoming-abc@X.test')).toEqual({ key: 'abc' });
    expect(catchAll.match('incoming+abc@x.test')).toBeNull();
    expect(catchAll.build('abc')).toBe('incoming-abc@x.test');
  });

  it('matches a dedicated address without a key', () => {
    const dedicated = compileTemplate('reply@appmail.adventuretime.ooo');
    expect(dedicated.supportsWildcard).toBe(false);
    expect(dedicated.domain).toBe('appmail.adventuretime.ooo');
    expect(dedicated.match('reply@appmail.adventuretime.ooo')).toEqual({ key: null });
    expect(dedicated.match('<reply@AppMail.adventuretime.ooo>')).toEqual({ key: null });
    expect(dedicated.match('reply+abc@appmail.adventuretime.ooo')).toBeNull();
    expect(dedicated.match('Reply@appmail.adventuretime.ooo')).toBeNull();
    expect(dedicated.build('abc')).toBe('reply@appmail.adventuretime.ooo');
  });

  it('replaces only the first %{key}', () => {
    const twice = compileTemplate('a+%{key}+%{key}@x.test');
    expect(twice.match('a+k+%{key}@x.test')).toEqual({ key: 'k' });
    expect(twice.match('a+k+k@x.test')).toBeNull();
    expect(twice.build('k')).toBe('a+k+%{key}@x.test');
  });

  it('keeps text between the key and the @ exact', () => {
    const suffixed = compileTemplate('in+%{key}.box@x.test');
    expect(suffixed.match('in+abc.box@X.TEST')).toEqual({ key: 'abc' });
    expect(suffixed.match('in+abc.BOX@x.test')).toBeNull();
  });

  it.each(['no-at-sign', '%{key}@', '@x.test', 'incoming@%{key}.x.test'])('refuses the template %j', (bad) => {
    expect(() => compileTemplate(bad)).toThrow(/template/);
  });
});
