import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphMailboxYaml, startGraphStandIn, type GraphStandIn } from '../helpers/graphStandIn.js';
import { privateFilesText, startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

describe('mail_room mode (smtp.enabled: false)', () => {
  let graph: GraphStandIn;
  let postroom: TestPostroom;
  beforeAll(async () => {
    graph = await startGraphStandIn();
    postroom = await startTestPostroom(
      '',
      (dir) => `
host: gitlab.example.com
incoming_email:
  enabled: true
  address: "incoming+%{key}@contoso.onmicrosoft.com"
${graphMailboxYaml(graph)}
  delete_after_delivery: false
smtp:
  enabled: false
worker:
  enabled: false
${privateFilesText(dir)}`,
    );
  });
  afterAll(async () => {
    await postroom?.cleanup();
    await graph?.close();
  });

  it('opens no SMTP port, polls the provider mailbox and stores its mail', async () => {
    expect(postroom.smtp).toBeUndefined();
    const message = graph.add(Buffer.from('Message-ID: <polled@example.com>\r\nSubject: hi\r\n\r\nbody\r\n'));
    await waitFor(() => message.isRead, 10_000, 'the message marked read after it was stored');
    expect(postroom.spool.findByMessageId('<polled@example.com>')).toMatchObject([{ source: 'graph' }]);
  });
});
