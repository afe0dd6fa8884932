// A backup that races retention: the snapshot still holds a finished message whose body file
// retention removed before the copy reached it. The copy leaves that message out, whole, and
// keeps everything else readable; nothing is reported missing, since the live spool lost nothing.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bodyDirOf } from '../../src/spool/bodyFiles.js';
import { copyBodiesOfSnapshot } from '../../src/spool/backup.js';
import { Spool, type IncomingMessage } from '../../src/spool/index.js';
import { copyDatabase } from '../../src/sqlite/durableFiles.js';
import { incomingMessage, storedId } from '../helpers/incoming.js';
import { spoolFilePerTest } from '../helpers/spoolFile.js';

const temp = spoolFilePerTest();

function message(name: string, bytes: number): IncomingMessage {
  const raw = Buffer.concat([Buffer.from(`Subject: ${name}\r\n\r\n`), Buffer.alloc(bytes, 120)]);
  return incomingMessage(raw, { messageId: `<${name}@example.com>` });
}

describe('a spool backup that races retention', () => {
  it('leaves out the finished message whose body file went, and copies the rest whole', async () => {
    const spool = Spool.open(temp.file);
    // Stored one at a time: each large one in a body file of its own.
    const finished = await storedId(spool, message('finished-large', 40_000));
    const open = await storedId(spool, message('open-large', 40_000));
    const small = await storedId(spool, message('small', 200));
    const finishedFile = spool.db
      .prepare('SELECT body_file FROM messages WHERE id = ?')
      .pluck()
      .get(finished) as string;
    for (const delivery of spool.deliveriesOf(finished))
      spool.db.prepare("UPDATE deliveries SET state = 'done' WHERE id = ?").run(delivery.id);

    const copyFile = path.join(temp.dir, 'backup', 'spool.db');
    mkdirSync(path.dirname(copyFile));
    const live = new Database(temp.file, { fileMustExist: true });
    try {
      copyDatabase(live, copyFile);
      // Retention runs between the snapshot and the copy of the body files.
      expect(await spool.purgeFinished(Number.MAX_SAFE_INTEGER)).toEqual({ messages: 1, bodyFiles: 1 });
      expect(existsSync(path.join(bodyDirOf(temp.file), finishedFile))).toBe(false);
      expect(copyBodiesOfSnapshot(live, temp.file, copyFile)).toEqual({
        messages: 2,
        bodyFiles: 1,
        removedMeanwhile: 1,
        missingBodies: [],
      });
    } finally {
      live.close();
      await spool.close();
    }

    const copy = Spool.open(copyFile);
    try {
      expect(copy.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.get(finished)).toBeUndefined();
      expect(copy.deliveriesOf(finished)).toEqual([]);
      expect(copy.events(finished)).toEqual([]);
      expect(copy.raw(open)!.toString()).toMatch(/^Subject: open-large\r\n\r\nx{40000}$/);
      expect(copy.raw(small)!.toString()).toMatch(/^Subject: small\r\n\r\nx{200}$/);
      expect(copy.get(open)).toMatchObject({ state: 'queued' });
    } finally {
      await copy.close();
    }
  });
});
