import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { PostroomConfig } from '../config/index.js';
import { transportOptions } from '../outgoing/mailer.js';
import { errorText, fail, ok, skip, type CheckResult } from './result.js';

const TIMEOUTS = { connectionMs: 15_000, greetingMs: 15_000, socketMs: 30_000 };

/**
 * The outgoing relay, with the options the mailer uses: connect, EHLO, STARTTLS as configured,
 * AUTH when a user is set. Nothing is sent.
 */
export async function checkRelay(config: PostroomConfig): Promise<CheckResult> {
  const outgoing = config.outgoing;
  const name = 'outgoing relay';
  if (!outgoing.enabled) return skip(name, 'outgoing.enabled is false: notifications and notices are logged, not sent');
  const { pool: _pool, maxConnections: _max, auth, ...options } = transportOptions(outgoing, TIMEOUTS);
  const where = `${outgoing.host}:${outgoing.port}`;
  const connection = new SMTPConnection({ ...options, name: config.smtp.hostname });
  const steps: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      // Every later error also comes to this listener; after the first, reject does nothing.
      connection.on('error', reject);
      connection.connect(() => resolve());
    });
    steps.push(connection.secure ? (outgoing.secure ? 'TLS' : 'STARTTLS') : 'no TLS');
    if (auth && outgoing.user !== undefined) {
      const credentials = { user: outgoing.user, pass: outgoing.password ?? '' };
      await new Promise<void>((resolve, reject) =>
        connection.login(credentials, (error) => (error ? reject(error) : resolve())),
      );
      steps.push(`AUTH as ${outgoing.user} accepted`);
    }
    const tlsWanted = !outgoing.secure && outgoing.startTls === 'opportunistic' && !connection.secure;
    const detail = `${where} answered EHLO; ${steps.join(', ')}${tlsWanted ? ' (STARTTLS not offered: mail leaves in cleartext)' : ''}`;
    return ok(name, detail);
  } catch (error) {
    return fail(name, `${where}${steps.length ? ` after ${steps.join(', ')}` : ''}: ${errorText(error)}`);
  } finally {
    connection.close();
  }
}
