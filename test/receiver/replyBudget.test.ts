import { afterEach, expect, it } from 'vitest';
import { startNewIssueServer, type NewIssueServer } from '../helpers/newIssueAddress.js';

let server: NewIssueServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// The budget is small and the message far too costly for it on any machine: htmlparser2 alone
// needs seconds for 200,000 nested elements. The other message must route as usual beside it.
it('a message too costly to read ends as a dead letter with the reason; the next one routes', async () => {
  server = await startNewIssueServer('reply: { budget: 200ms }');
  const depth = 200_000;
  const spool = await server.costlyThenPlain(
    { subject: 'Deep', html: `${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}` },
    60_000,
  );
  expect(spool.get(1)?.outcome).toEqual({
    state: 'dead',
    reason: 'reply parsing took longer than its budget of 200 ms; the message is too costly',
  });
});
