import { afterEach, expect, it } from 'vitest';
import { startNewIssueServer, type NewIssueServer } from '../helpers/newIssueAddress.js';
import { waitFor } from '../helpers/waitFor.js';

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
  server = await startNewIssueServer('worker: { heap_limit: 48MB }');
  const { smtp, to } = server;
  // 6 MB of small elements: a DOM of some 400 MB, far past the thread's 48 MB.
  await smtp.sendMail({
    from: 'jake@example.com',
    to,
    subject: 'Huge',
    html: '<p><b>x</b> <a href="https://example.com/">y</a> <i>z</i></p>\n'.repeat(100_000),
  });
  await smtp.sendMail({ from: 'jake@example.com', to, subject: 'Plain', text: 'An ordinary new issue.' });
  const spool = server.running.spool;
  await waitFor(
    () => spool.get(1)?.outcome !== undefined && spool.get(2)?.outcome?.state === 'done',
    90_000,
    'both routed',
  );
  expect(spool.get(1)?.outcome).toEqual({
    state: 'dead',
    reason: expect.stringMatching(
      /^routing stopped during 3 of its attempts: the routing thread died while routing it/,
    ),
  });
  // The plain one was never under a dying thread long enough to count against it.
  expect(spool.events(1).filter((event) => event.kind === 'interrupted')).toHaveLength(3);
  expect(spool.get(2)?.outcome).toEqual(expect.objectContaining({ state: 'done' }));
});
