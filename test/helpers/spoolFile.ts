import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './postroom.js';

/** A fresh directory for every test of the file, with the spool's path in it; removed after each. */
export function spoolFilePerTest(): { readonly dir: string; readonly file: string } {
  let current: { dir: string; cleanup: () => void } | undefined;
  beforeEach(() => {
    current = tempDir();
  });
  afterEach(() => current?.cleanup());
  return {
    get dir() {
      return current!.dir;
    },
    get file() {
      return path.join(current!.dir, 'spool.db');
    },
  };
}
