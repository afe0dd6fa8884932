import { afterEach, expect, it } from 'vitest';
import { startNewIssueServer, type NewIssueServer } from '../helpers/newIssueAddress.js';

const NESTING = 45_000;
let server: NewIssueServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// The routing thread's heap is bounded (worker.heap_limit). A message whose HTML needs more kills
// the thread each time it is routed (V8 stops a thread at its limit; the process lives on): the
// supervisor starts it again, and at the third death the message is a dead letter with the
// reason, instead of being retried, and killing routing for everyone, forever.
it('a message that runs the routing thread out of heap ends as a dead letter at its third try; the next one routes', async () => {
  server = await startNewIssueServer('worker: { heap_limit: 48MB }\nreply: { budget: 120s }');
  // 90,000 nested elements: fewer nodes than the reading budget allows at this heap (98,304), but
  // nesting this deep costs more than a node's average: converting it needs more than 48 MB.
  const spool = await server.costlyThenPlain(
    { subject: 'Huge', html: `${'<blockquote><div>'.repeat(NESTING)}x${'</div></blockquote>'.repeat(NESTING)}` },
    90_000,
  );
  expect(spool.get(1)?.outcome).toEqual({
    state: 'dead',
    reason: expect.stringMatching(
      /^routing stopped during 3 of its attempts, each with no other delivery in flight: the routing thread died while routing it/,
    ),
  });
  // The plain one was never under a dying thread long enough to count against it.
  expect(spool.events(1).filter((event) => event.kind === 'interrupted')).toHaveLength(3);
  expect(spool.get(2)?.outcome).toEqual(expect.objectContaining({ state: 'done' }));
});

// Most HTML costs about the same per node, so the reading budget counts nodes as the DOM is built
// and stops a body that would not fit before it is whole: no death, no retry, nothing held up.
it('an HTML body with more nodes than the heap can convert is a dead letter at once, saying so', async () => {
  server = await startNewIssueServer('worker: { heap_limit: 48MB }');
  // 6 MB of small elements: more than a million nodes, where 48 MB converts some 98,000.
  const spool = await server.costlyThenPlain(
    { subject: 'Huge', html: '<p><b>x</b> <a href="https://example.com/">y</a> <i>z</i></p>\n'.repeat(100_000) },
    30_000,
  );
  expect(spool.get(1)?.outcome).toEqual({
    state: 'dead',
    reason:
      'its HTML has more than 98304 elements and texts, more than worker.heap_limit lets routing convert; the message is too costly',
  });
  expect(spool.events(1).filter((event) => event.kind === 'interrupted')).toHaveLength(0);
});
