// `postroom backup` copies the spool and the embedded tracker while Postroom runs under load: the
// copy is consistent (every message in it has its bytes, every issue its row) and opens as a spool.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { bodyDirOf } from '../../src/spool/bodyFiles.js';
import { startChildPostroom } from '../helpers/childPostroom.js';
import { runCli } from '../helpers/cli.js';
import { privateFilesText, tempDir } from '../helpers/postroom.js';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

const configText = `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test }
${privateFilesText(dir).replace('level: silent', 'level: info')}`;
const configFile = path.join(dir, 'postroom.yml');
const cli = (...args: string[]) => runCli([...args, '--config', configFile]);

/** Sends numbered mails (every third one past 16 KiB, so in a body file) until told to stop. */
function sendUntil(port: number, to: string, stop: () => boolean, sent: string[]): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    ignoreTLS: true,
    pool: true,
    maxConnections: 3,
  });
  const loop = async (lane: number) => {
    for (let n = 0; !stop(); n++) {
      const marker = `backup-${lane}-${n}`;
      const filler = n % 3 === 0 ? `\n${'x'.repeat(76)}`.repeat(300) : '';
      await transport.sendMail({
        from: 'demo@example.com',
        to,
        subject: `Mail ${marker}`,
        messageId: `<${marker}@client.test>`,
        text: `${marker}${filler}\n`,
      });
      sent.push(marker);
    }
  };
  return Promise.all([0, 1, 2].map(loop)).then(() => transport.close());
}

describe('postroom backup', () => {
  it('copies a spool and a tracker in use, every message with its bytes, and refuses a folder in use', async () => {
    writeFileSync(configFile, configText);
    const seeded = await cli('seed');
    const newIssue = /^new issue\s+(\S+)$/m.exec(seeded.stdout)![1];
    const server = await startChildPostroom(configText, dir);
    const sent: string[] = [];
    let backupDone = false;
    const load = sendUntil(server.port, newIssue, () => backupDone && sent.length >= 90, sent);
    try {
      while (sent.length < 45) await new Promise((resolve) => setTimeout(resolve, 20));
      const folder = path.join(dir, 'backup');
      const taken = await cli('backup', folder);
      backupDone = true;
      await load;
      expect(taken.stderr).toBe('');
      expect(taken.code).toBe(0);
      const [, messages, bodyFiles] = /^spool: (\d+) messages, (\d+) body files/m.exec(taken.stdout)!.map(Number);
      expect(messages).toBeGreaterThanOrEqual(45);
      expect(bodyFiles).toBeGreaterThan(0);

      // The copy is a spool: every message in it reads back whole, the large ones from its own body files.
      expect(existsSync(bodyDirOf(path.join(folder, 'spool.db')))).toBe(true);
      const copy = Spool.open(path.join(folder, 'spool.db'));
      const ids = copy.db.prepare('SELECT id FROM messages ORDER BY id').pluck().all() as number[];
      expect(ids).toHaveLength(messages);
      expect(copy.db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const id of ids) {
        const marker = /Mail (backup-\d+-\d+)/.exec(copy.raw(id)!.toString())?.[1];
        expect(marker && sent.includes(marker)).toBe(true);
        expect(copy.raw(id)!.toString()).toContain(`${marker}\r\n`);
      }
      await copy.close();

      const [, issues] = /^tracker: \d+ projects, (\d+) issues, repositories/m.exec(taken.stdout)!.map(Number);
      const tracker = new Database(path.join(folder, 'tracker.db'), { readonly: true });
      expect(tracker.prepare('SELECT count(*) FROM issues').pluck().get()).toBe(issues);
      tracker.close();
      expect(existsSync(path.join(folder, 'repositories', 'demo', 'website.git', 'HEAD'))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(folder, 'backup.json'), 'utf8'))).toMatchObject({
        spool: { from: path.join(dir, 'spool.db'), copy: 'spool.db', messages, bodyFiles, missingBodies: [] },
        tracker: { from: path.join(dir, 'tracker.db'), copy: 'tracker.db', issues },
      });

      const again = await cli('backup', folder);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('is not empty');
    } finally {
      backupDone = true;
      await load.catch(() => undefined);
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  // On the spool the test above left behind.
  it('says which messages the spool itself has lost the bytes of, and exits 1', async () => {
    const spool = Spool.open(path.join(dir, 'spool.db'));
    const lost = spool.db
      .prepare('SELECT id, body_file FROM messages WHERE body_file IS NOT NULL ORDER BY id LIMIT 1')
      .get() as { id: number; body_file: string };
    const sharing = spool.db.prepare('SELECT id FROM messages WHERE body_file = ?').pluck().all(lost.body_file);
    await spool.close();
    rmSync(path.join(bodyDirOf(path.join(dir, 'spool.db')), lost.body_file));
    const taken = await cli('backup', path.join(dir, 'backup-after-loss'));
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`has lost the bytes of message(s) ${sharing.join(', ')}`);
  });
});
