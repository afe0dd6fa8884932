import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/worker/failure.js';
import { tempDir } from '../helpers/postroom.js';

async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function manyParts(count: number): Buffer {
  const parts = Array.from({ length: count }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`);
  return Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts.join('')}--b--\r\n`);
}

describe('which failures are worth another attempt', () => {
  it('a parser that runs out of stack fails the same way every time', async () => {
    const deep = (n: number): number => deep(n + 1) + 1;
    const failure = classifyFailure(await thrown(() => deep(0)));
    expect(failure).toEqual({ kind: 'deterministic', reason: 'Maximum call stack size exceeded' });
  });

  it("mailparser's refusal of too many MIME parts is about the message, not the disk", async () => {
    const failure = classifyFailure(await thrown(() => simpleParser(manyParts(1200))));
    expect(failure).toEqual({ kind: 'deterministic', reason: 'Max allowed child nodes exceeded' });
  });

  it('a sink that cannot be reached is tried again', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const failure = classifyFailure(await thrown(() => fetch(`http://127.0.0.1:${port}/`)));
    expect(failure.kind).toBe('transient');
  });

  it('a database busy with another writer is tried again', async () => {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'busy.db');
    const holder = new Database(file);
    const other = new Database(file, { timeout: 0 });
    try {
      holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);');
      const failure = classifyFailure(await thrown(() => other.exec('INSERT INTO t VALUES (2)')));
      expect(failure.kind).toBe('transient');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      other.close();
      cleanup();
    }
  });
});
