// A thread of the write-lock test: opens the spool file as a Postroom thread would and writes
// one row, holding its turn until the test opens the gate when told to.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SpoolWriteLock, takeTurns } from '../../dist/src/spool/writeLock.js';

const { file, lock, gate, role, turns } = workerData;
const db = new Database(file);
db.pragma('busy_timeout = 0');
if (turns) takeTurns(db, new SpoolWriteLock(lock));
const insert = db.prepare('INSERT INTO rows (writer) VALUES (?)');
const write = db.transaction(() => {
  insert.run(role);
  if (role === 'holder') {
    parentPort.postMessage('holding');
    Atomics.wait(new Int32Array(gate), 0, 0);
  }
});
try {
  write.immediate();
  parentPort.postMessage('stored');
} catch (error) {
  parentPort.postMessage(error.code ?? String(error));
}
db.close();
