import { describe, it, expect } from 'vitest';
import { fullPathSlug } from '../../src/address/index.js';

describe('fullPathSlug', () => {
  it.each([
    ['gitlabhq/gitlabhq', 'gitlabhq-gitlabhq'],
    ['email/test', 'email-test'],
    ['h5bp/html5-boilerplate', 'h5bp-html5-boilerplate'],
    ['GitLab-Org/GitLab_CE', 'gitlab-org-gitlab-ce'],
    ['group/sub.group/my project', 'group-sub-group-my-project'],
    ['-lead/trail-', 'lead-trail'],
    ['__a__', 'a'],
    ['café/naïve', 'caf--na-ve'],
    ['grp/😀x', 'grp--x'],
    ['', ''],
  ])('%j → %j', (path, slug) => {
    expect(fullPathSlug(path)).toBe(slug);
  });

  it('cuts to 63 characters before trimming dashes', () => {
    expect(fullPathSlug('a'.repeat(70))).toBe('a'.repeat(63));
    // Character 63 is the '/', so the cut leaves a dash at the end, which is then trimmed.
    expect(fullPathSlug(`${'a'.repeat(62)}/project`)).toBe('a'.repeat(62));
    expect(fullPathSlug(`${'b'.repeat(61)}/project`)).toBe(`${'b'.repeat(61)}-p`);
  });
});
