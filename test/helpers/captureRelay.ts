import net from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { waitFor } from './waitFor.js';

/** One message as the relay received it: the raw bytes, plus readers for what tests look at. */
export interface CapturedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  /** Header names in the order they were written. */
  headerNames: string[];
  /** The first value of a header, unfolded; names compare case-insensitively. */
  header(name: string): string | undefined;
  /** Every value of a header, unfolded, in order. */
  headers(name: string): string[];
  /** The decoded text body. */
  text: string;
}

/** Make the relay refuse a message, e.g. `{ code: 451, message: 'try later' }`. */
export interface RelayAnswer {
  code: number;
  message: string;
}

export interface CaptureRelayOptions {
  /** Credentials the relay insists on; without them it takes mail from anyone. */
  auth?: { user: string; pass: string };
  answer?: (envelope: CapturedMail['envelope']) => RelayAnswer | null;
  /** Listen on this port (a relay coming back where it was); default an ephemeral one. */
  port?: number;
  /** How long `close` lets open connections finish before it drops them; default smtp-server's 30 s. */
  closeTimeoutMs?: number;
  /** Offer STARTTLS with this key and certificate (PEM); without it the relay has no TLS. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface CaptureRelay {
  host: string;
  port: number;
  messages: CapturedMail[];
  /** What each client did before any mail: STARTTLS, and AUTH with which user. */
  sessions: { tls: boolean; user?: string }[];
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP listener on 127.0.0.1 standing in for the outgoing relay; it keeps what it is sent. */
export async function startCaptureRelay(options: CaptureRelayOptions = {}): Promise<CaptureRelay> {
  const messages: CapturedMail[] = [];
  const sessions = new Map<string, { tls: boolean; user?: string }>();
  const sessionOf = (id: string) => sessions.get(id) ?? sessions.set(id, { tls: false }).get(id)!;
  const server = new SMTPServer({
    logger: false,
    closeTimeout: options.closeTimeoutMs,
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    ...(options.tls ?? {}),
    allowInsecureAuth: true,
    authOptional: !options.auth,
    onConnect(session, callback) {
      sessionOf(session.id);
      callback();
    },
    onSecure(_socket, session, callback) {
      sessionOf(session.id).tls = true;
      callback();
    },
    onAuth(auth, session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      if (ok) sessionOf(session.id).user = auth.username;
      callback(
        ok ? null : Object.assign(new Error('Authentication failed'), { responseCode: 535 }),
        ok ? { user: auth.username } : undefined,
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = {
          from: addressOf(session.envelope.mailFrom),
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        };
        const refusal = options.answer?.(envelope);
        if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
        capture(envelope, Buffer.concat(chunks).toString('utf8')).then(
          (mail) => {
            messages.push(mail);
            callback(null, `2.0.0 Ok: queued as ${messages.length}`);
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    get sessions() {
      return [...sessions.values()];
    },
    async waitForMessages(count, timeoutMs = 5000) {
      await waitFor(
        () => messages.length >= count,
        timeoutMs,
        `${count} message(s) at the capture relay, got ${messages.length}`,
      );
      return messages.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: a relay that is down. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function addressOf(mailFrom: SMTPServerAddress | false): string {
  return mailFrom ? mailFrom.address : '';
}

async function capture(envelope: CapturedMail['envelope'], raw: string): Promise<CapturedMail> {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const fields = head
    .split(/\r?\n(?![ \t])/)
    .filter((line) => line.includes(':'))
    .map((line) => ({
      name: line.slice(0, line.indexOf(':')),
      value: line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n(?=[ \t])/g, '')
        .trim(),
    }));
  const valuesOf = (name: string) =>
    fields.filter((field) => field.name.toLowerCase() === name.toLowerCase()).map((field) => field.value);
  const parsed = await simpleParser(raw);
  return {
    envelope,
    raw,
    headerNames: fields.map((field) => field.name),
    header: (name) => valuesOf(name)[0],
    headers: valuesOf,
    text: parsed.text ?? '',
  };
}
