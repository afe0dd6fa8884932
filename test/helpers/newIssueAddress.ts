import path from 'node:path';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { parseConfigText } from '../../src/config/index.js';
import { openTracker } from '../../src/tracker/index.js';
import { startPostroom, type RunningPostroom } from '../../src/wiring/postroom.js';
import type { Spool } from '../../src/spool/index.js';
import { tempDir } from './postroom.js';
import { waitFor } from './waitFor.js';

export interface NewIssueServer {
  running: RunningPostroom;
  /** Jake's personal new-issue address in treehouse/adventure, where he is a developer. */
  to: string;
  smtp: nodemailer.Transporter;
  /**
   * Sends Jake's `costly` mail, then an ordinary one behind it, and waits until the first has an
   * outcome and the second is done: the spool's messages 1 and 2.
   */
  costlyThenPlain(costly: { subject: string; html: string }, withinMs: number): Promise<Spool>;
  stop(): Promise<void>;
}

/**
 * A whole Postroom (SMTP front, spool, routing thread, embedded tracker) with one user allowed to
 * open issues by mail, for tests of how routing treats a message; `extra` is more YAML for its config.
 */
export async function startNewIssueServer(extra: string): Promise<NewIssueServer> {
  const made = tempDir();
  const config = parseConfigText(
    `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test, max_message_size: 8MB }
store: { path: ${path.join(made.dir, 'spool.db')} }
tracker: { path: ${path.join(made.dir, 'tracker.db')} }
outgoing: { enabled: false }
log: { level: silent }
${extra}
`,
    'routing.yml',
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
  const running = await startPostroom(config, pino({ level: 'silent' }), { certDir: path.join(made.dir, 'certs') });
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: running.smtp!.port,
    tls: { rejectUnauthorized: false },
  });
  return {
    running,
    to,
    smtp,
    async costlyThenPlain(costly, withinMs) {
      await smtp.sendMail({ from: 'jake@example.com', to, ...costly });
      await smtp.sendMail({ from: 'jake@example.com', to, subject: 'Plain', text: 'An ordinary new issue.' });
      const spool = running.spool;
      await waitFor(
        () => spool.get(1)?.outcome !== undefined && spool.get(2)?.outcome?.state === 'done',
        withinMs,
        'both routed',
      );
      return spool;
    },
    async stop() {
      smtp.close();
      await running.stop();
      made.cleanup();
    },
  };
}
