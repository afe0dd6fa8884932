import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';
import { bareDurableDatabase } from './durableStore.js';

// The least a server on this stack must do to answer 250 only once a message is on disk:
// smtp-server, each message one row of a bare SQLite file (the spool's page size, WAL,
// synchronous=FULL), committed by a writer thread that takes every request waiting into one
// transaction. No checks, no index, no log. bench:accept's second anchor: what is left between
// it and smtp-server alone is the price of fsync before 250 on this machine, not Postroom's.
interface Request {
  id: number;
  bodies: Uint8Array[];
}

if (isMainThread) serve();
else write();

function serve(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-anchor-'));
  const file = path.join(dir, 'anchor.db');
  const writer = new Worker(new URL(import.meta.url), { workerData: file });
  const waiting = new Map<number, (() => void)[]>();
  let nextId = 0;
  let pending: { body: Buffer; done: () => void }[] = [];
  writer.on('message', (id: number) => {
    for (const done of waiting.get(id) ?? []) done();
    waiting.delete(id);
  });
  // What ended during one event-loop turn leaves together.
  const flush = () => {
    const batch = pending;
    pending = [];
    const id = nextId++;
    waiting.set(
      id,
      batch.map((p) => p.done),
    );
    const bodies = batch.map((p) => p.body);
    writer.postMessage(
      { id, bodies } satisfies Request,
      bodies.map((b) => b.buffer as ArrayBuffer),
    );
  };
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 25 << 20,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // A buffer of its own, so it moves to the writer without a copy.
        const body = Buffer.allocUnsafeSlow(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
        let at = 0;
        for (const chunk of chunks) at += chunk.copy(body, at);
        if (pending.length === 0) setImmediate(flush);
        pending.push({ body, done: () => callback(null, 'Ok') });
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(`listening ${(server.server.address() as AddressInfo).port} ${file}`);
  });
  const stop = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', () => {
    server.close(() => {
      writer.terminate().then(stop, stop);
    });
  });
}

function write(): void {
  const db = bareDurableDatabase(workerData as string);
  db.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY, raw BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO messages (raw) VALUES (?)');
  const commit = db.transaction((requests: Request[]) => {
    for (const request of requests) for (const body of request.bodies) insert.run(body);
  });
  const port = parentPort!;
  port.on('message', (first: Request) => {
    const requests = [first];
    for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
      requests.push(next.message as Request);
    commit.immediate(requests);
    for (const request of requests) port.postMessage(request.id);
  });
}
