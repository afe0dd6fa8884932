import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openTracker } from '../../src/tracker/index.js';
import { tempDir } from '../helpers/postroom.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function freshFile(): string {
  const { dir, cleanup } = tempDir('postroom-tracker-');
  cleanups.push(cleanup);
  return path.join(dir, 'tracker.db');
}

describe('tracker store', () => {
  it('opens in WAL mode with synchronous=FULL and records its schema version', () => {
    const tracker = openTracker(freshFile());
    try {
      expect(tracker.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(tracker.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(tracker.db.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      tracker.close();
    }
  });

  it('creates the Support Bot on first open and keeps the same one after reopening', () => {
    const file = freshFile();
    const first = openTracker(file, { supportBotEmail: 'support@postroom.test' });
    const bot = first.supportBot();
    first.close();
    expect(bot).toMatchObject({
      username: 'support-bot',
      name: 'GitLab Support Bot',
      email: 'support@postroom.test',
      isSupportBot: true,
    });

    const again = openTracker(file);
    try {
      expect(again.supportBot()).toEqual(bot);
      const count = again.db.prepare('SELECT COUNT(*) AS n FROM users WHERE is_support_bot = 1').get() as { n: number };
      expect(count.n).toBe(1);
    } finally {
      again.close();
    }
  });

  it('keeps what was written across a reopen', async () => {
    const file = freshFile();
    const tracker = openTracker(file);
    const created = tracker.createUser({ username: 'jake', email: 'jake@adventuretime.ooo' });
    const project = await tracker.createProject({ fullPath: 'group/project' });
    tracker.close();

    const reopened = openTracker(file);
    try {
      expect(created.saved && reopened.userByUsername('jake')?.id).toBe(created.saved && created.record.id);
      expect(project.saved && reopened.projectByFullPath('group/project')?.id).toBe(project.saved && project.record.id);
    } finally {
      reopened.close();
    }
  });

  it('refuses a file written by a newer schema', () => {
    const file = freshFile();
    openTracker(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openTracker(file)).toThrow(/newer Postroom/);
  });
});
