// The spool's WAL is copied into the file by the writer thread between commits (SQLite's own
// checkpoint at the end of a commit would hold up that commit's answers and every thread's turn
// to write). Without those checkpoints the WAL would grow with every commit.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Spool, type IncomingMessage } from '../../src/spool/index.js';
import { incomingMessage } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();
const MESSAGES = 640;
const MB = 1024 * 1024;

function message(n: number): IncomingMessage {
  const messageId = `<c${n}@client.test>`;
  return incomingMessage(`Message-ID: ${messageId}\r\nSubject: ${n}\r\n\r\n${'x'.repeat(4000)}\r\n`, { messageId });
}

describe('spool checkpoints', () => {
  it('keep the WAL small across many commits, none of which checkpoints itself', async () => {
    const spool = Spool.open(temp.file);
    try {
      expect(spool.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      // One at a time: a commit each, about 20 MB of WAL frames in all.
      for (let n = 0; n < MESSAGES; n++) expect((await spool.store(message(n))).stored).toBe(true);
      expect(statSync(`${temp.file}-wal`).size).toBeLessThan(4 * MB);
      expect(spool.countByState()).toEqual({ queued: MESSAGES });
    } finally {
      await spool.close();
    }
  });
});
