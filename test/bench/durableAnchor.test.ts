// bench:accept's durable floor is an anchor only if it really stores: each 250 comes after its
// message is a committed row, and it leaves nothing behind when stopped.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';

describe('the durable floor anchor', () => {
  it('answers 250 once each message is a row on disk, and removes its folder when stopped', async () => {
    const anchor = spawn(process.execPath, ['dist/bench/anchors/durableSmtpServer.js'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => anchor.once('exit', resolve));
    try {
      const [port, file] = await new Promise<[number, string]>((resolve) => {
        createInterface({ input: anchor.stdout }).on('line', (line) => {
          const listening = /^listening (\d+) (.+)$/.exec(line);
          if (listening) resolve([Number(listening[1]), listening[2]]);
        });
      });
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, pool: true });
      const words = ['first', 'second', 'third'];
      const bodies = words.map((word) => `Subject: ${word}\r\n\r\n${word} body\r\n`);
      const replies = await Promise.all(
        bodies.map((raw) => transport.sendMail({ envelope: { from: 'a@client.test', to: ['b@anchor.test'] }, raw })),
      );
      transport.close();
      expect(replies.map((reply) => reply.response)).toEqual(bodies.map(() => '250 Ok'));
      // Read while the anchor still runs: what was answered must already be committed.
      const db = new Database(file, { readonly: true });
      const stored = (db.prepare('SELECT raw FROM messages ORDER BY id').pluck().all() as Buffer[]).map(String);
      db.close();
      expect(stored).toHaveLength(3);
      for (const word of words) expect(stored.filter((raw) => raw.includes(`${word} body`))).toHaveLength(1);
      anchor.kill('SIGTERM');
      await exited;
      expect(existsSync(path.dirname(file))).toBe(false);
    } finally {
      anchor.kill('SIGKILL');
    }
  });
});
