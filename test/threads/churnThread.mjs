// A thread for the heap-limit test: on 'churn' it allocates as a busy routing thread does (much
// short-lived garbage, some survivors), then answers with the size its young generation reached.
import { getHeapSpaceStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (message) => {
  if (message === 'stop') return parentPort.close();
  const kept = [];
  for (let i = 0; i < 3_000_000; i++) {
    const object = { i, text: `line ${i}` };
    if (i % 10 === 0) kept.push(object);
    if (kept.length > 50_000) kept.length = 0;
  }
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  parentPort.postMessage({ youngBytes: young.space_size });
});
parentPort.postMessage('ready');
