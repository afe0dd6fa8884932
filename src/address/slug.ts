const MAX_SLUG_LENGTH = 63;

/**
 * A project's full path as it appears in mail keys (GitLab's `full_path_slug`): lowercase, every
 * character outside [a-z0-9] becomes '-', cut to 63 characters, then dashes trimmed from both ends.
 * The `u` flag makes a character outside the BMP one dash, not two, as in Ruby.
 */
export function fullPathSlug(fullPath: string): string {
  return fullPath
    .toLowerCase()
    .replace(/[^a-z0-9]/gu, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
}
