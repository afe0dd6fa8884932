import path from 'node:path';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { openTracker } from '../../src/tracker/index.js';
import { startPostroom, type RunningPostroom } from '../../src/wiring/postroom.js';
import { tempDir } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

let running: RunningPostroom | undefined;
let cleanup: (() => void) | undefined;

afterEach(async () => {
  await running?.stop();
  cleanup?.();
  running = cleanup = undefined;
});

// The budget is small and the message far too costly for it on any machine: htmlparser2 alone
// needs seconds for 200,000 nested elements. The other message must route as usual beside it.
it('a message too costly to read ends as a dead letter with the reason; the next one routes', async () => {
  const made = tempDir();
  cleanup = made.cleanup;
  const config = parseConfigText(
    `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_message_size: 8MB }
store: { path: ${path.join(made.dir, 'spool.db')} }
tracker: { path: ${path.join(made.dir, 'tracker.db')} }
outgoing: { enabled: false }
reply: { budget: 200ms }
log: { level: silent }
`,
    'budget.yml',
    {},
  );
  const tracker = openTracker(config.tracker.path);
  const created = tracker.createUser({ username: 'jake', email: 'jake@example.com', name: 'Jake' });
  if (!created.saved) throw new Error(created.errors.join(', '));
  const jake = created.record;
  const project = await tracker.createProject({ fullPath: 'treehouse/adventure' });
  if (!project.saved) throw new Error(project.errors.join(', '));
  tracker.addMember(project.record, jake, 'developer');
  const to = `incoming+treehouse-adventure-${project.record.id}-${tracker.incomingEmailToken(jake)}-issue@postroom.test`;
  tracker.close();
  running = await startPostroom(config, pino({ level: 'silent' }), { certDir: path.join(made.dir, 'certs') });

  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: running.smtp!.port,
    tls: { rejectUnauthorized: false },
  });
  const depth = 200_000;
  await smtp.sendMail({
    from: 'jake@example.com',
    to,
    subject: 'Deep',
    html: `${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}`,
  });
  await smtp.sendMail({ from: 'jake@example.com', to, subject: 'Plain', text: 'An ordinary new issue.' });
  const spool = running.spool;
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
