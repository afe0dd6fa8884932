import { describe, expect, it } from 'vitest';
import { KnownKeys } from '../../src/smtp/knownKeys.js';

/** A directory version and a clock the test moves by hand. */
function world() {
  const state = { version: 1, now: 0, versionReads: 0 };
  const keys = new KnownKeys(
    () => {
      state.versionReads++;
      return state.version;
    },
    () => state.now,
  );
  return { state, keys };
}

describe('the keys RCPT TO already found', () => {
  it('are known until the directory’s version changes, and read it at most once per millisecond', () => {
    const { state, keys } = world();
    expect(keys.has('incoming abc')).toBe(false);
    keys.add('incoming abc');
    state.now = 0.5;
    expect(keys.has('incoming abc')).toBe(true);
    expect(state.versionReads).toBe(1);
    state.now = 1;
    expect(keys.has('incoming abc')).toBe(true);
    expect(state.versionReads).toBe(2);
    state.version = 2;
    state.now = 1.5;
    // Within the window: what was read last still holds.
    expect(keys.has('incoming abc')).toBe(true);
    state.now = 2;
    expect(keys.has('incoming abc')).toBe(false);
  });

  it('keep only yes answers and start again past their bound', () => {
    const { keys } = world();
    expect(keys.has('k0')).toBe(false);
    for (let i = 0; i < 10_000; i++) keys.add(`k${i}`);
    expect(keys.has('k9999')).toBe(true);
    keys.add('one more');
    expect(keys.has('k9999')).toBe(false);
    expect(keys.has('one more')).toBe(true);
  });
});

describe('a directory that cannot say its version', () => {
  it('makes every key unknown until it can again', () => {
    let broken = false;
    let now = 0;
    const keys = new KnownKeys(
      () => {
        if (broken) throw new Error('disk I/O error');
        return 7;
      },
      () => now,
    );
    expect(keys.has('k')).toBe(false);
    keys.add('k');
    broken = true;
    now = 5;
    expect(keys.has('k')).toBe(false);
    keys.add('k');
    expect(keys.has('k')).toBe(false);
    broken = false;
    expect(keys.has('k')).toBe(false);
    keys.add('k');
    expect(keys.has('k')).toBe(true);
  });
});
