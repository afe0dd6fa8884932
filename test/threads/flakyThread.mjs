// A thread for the supervisor's tests: it counts its starts in a file, fails to start on the
// starts listed in workerData.failOn, and exits when told to crash.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { parentPort, workerData } from 'node:worker_threads';

const { file, failOn } = workerData;
let starts = 0;
try {
  starts = Number(readFileSync(file, 'utf8'));
} catch {
  starts = 0;
}
starts += 1;
writeFileSync(file, String(starts));
if (failOn.includes(starts)) throw new Error(`start ${starts} fails`);
parentPort.on('message', (message) => {
  if (message === 'crash') process.exit(3);
  if (message === 'stop') parentPort.close();
});
parentPort.postMessage('ready');
