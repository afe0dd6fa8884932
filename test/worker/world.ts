import nodemailer from 'nodemailer';
import type { Project, Saved } from '../../src/handlers/sink.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import { startTestPostroom, type TestPostroom } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

/** Postroom with the embedded tracker, a project with Service Desk on, and Jake who may open issues by mail. */
export interface RoutingWorld {
  postroom: TestPostroom;
  tracker: Tracker;
  project: Project;
  issueAddress: string;
  deskAddress: string;
  /** Sends over SMTP and waits until every delivery of the message is final; answers the spool id. */
  send(mail: { to: string[]; subject: string; messageId?: string; raw?: string }): Promise<number>;
  /** Waits until every delivery of the message is final. */
  routed(id: number): Promise<void>;
  stop(): Promise<void>;
}

function must<T>(saved: Saved<T>): T {
  if (!saved.saved) throw new Error(saved.errors.join(', '));
  return saved.record;
}

export async function startRoutingWorld(configText?: (dir: string) => string): Promise<RoutingWorld> {
  const postroom = await startTestPostroom('', configText);
  const tracker = openTracker(postroom.config.tracker.path);
  const jake = must(tracker.createUser({ username: 'jake', email: 'jake@example.com', incomingEmailToken: 'tok' }));
  const project = must(await tracker.createProject({ fullPath: 'demo/website', visibility: 'public' }));
  must(tracker.configureServiceDesk(project, { enabled: true }));
  tracker.addMember(project, jake, 'developer');
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: postroom.port, ignoreTLS: true });
  const finished = (id: number) => {
    const state = postroom.spool.get(id)?.state;
    return state !== undefined && !['queued', 'processing', 'retry'].includes(state);
  };
  const routed = (id: number) => waitFor(() => finished(id), 10_000, `message ${id} routed`);
  return {
    postroom,
    tracker,
    project,
    issueAddress: `incoming+demo-website-${project.id}-tok-issue@postroom.test`,
    deskAddress: `contact+demo-website-${project.id}-issue-@postroom.test`,
    routed,
    async send(mail) {
      const envelope = { from: 'jake@example.com', to: mail.to };
      const info = mail.raw
        ? await transport.sendMail({ envelope, raw: mail.raw })
        : await transport.sendMail({
            envelope,
            from: 'jake@example.com',
            to: mail.to[0],
            subject: mail.subject,
            text: 'Please have a look.\n',
            messageId: mail.messageId,
          });
      const id = Number(/queued as (\d+)/.exec(info.response)![1]);
      await routed(id);
      return id;
    },
    async stop() {
      transport.close();
      tracker.close();
      await postroom.cleanup();
    },
  };
}
