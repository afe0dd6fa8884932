import { afterEach, expect, it } from 'vitest';
import { startNewIssueServer, type NewIssueServer } from '../helpers/newIssueAddress.js';
import { waitFor } from '../helpers/waitFor.js';

let server: NewIssueServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// The budget is small and the message far too costly for it on any machine: htmlparser2 alone
// needs seconds for 200,000 nested elements. The other message must route as usual beside it.
it('a message too costly to read ends as a dead letter with the reason; the next one routes', async () => {
  server = await startNewIssueServer('reply: { budget: 200ms }');
  const { smtp, to } = server;
  const depth = 200_000;
  await smtp.sendMail({
    from: 'jake@example.com',
    to,
    subject: 'Deep',
    html: `${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}`,
  });
  await smtp.sendMail({ from: 'jake@example.com', to, subject: 'Plain', text: 'An ordinary new issue.' });
  const spool = server.running.spool;
  await waitFor(
    () => spool.get(1)?.outcome !== undefined && spool.get(2)?.outcome?.state === 'done',
    60_000,
    'both routed',
  );
  expect(spool.get(1)?.outcome).toEqual({
    state: 'dead',
    reason: 'reply parsing took longer than its budget of 200 ms; the message is too costly',
  });
});
