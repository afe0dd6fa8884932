import type net from 'node:net';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { SmtpLimits } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { Pace, type Overrun } from './pace.js';
import { REFUSED, accept, type Verdict } from './verdict.js';

const OVERRUN_REPLIES: Record<Overrun, string> = {
  command: '421 4.4.2 Command line not received in time, closing connection',
  handshake: '421 4.4.2 TLS handshake not completed in time, closing connection',
  data: '421 4.4.2 Message not received in time, closing connection',
  rate: '421 4.4.2 Message data arriving too slowly, closing connection',
  lifetime: '421 4.4.2 Session lasted too long, please reconnect',
};
const { code, status, text } = REFUSED.unsynchronizedPipelining;
const SYNCHRONIZATION_REPLY = `${code} ${status} ${text}`;
// A refused client that does not read our last line cannot keep its socket by it.
const LINGER_MS = 1000;

interface Guarded {
  id: string;
  address: string;
  socket: net.Socket | undefined;
  pace: Pace;
  onData: (chunk: Buffer) => void;
  timer?: NodeJS.Timeout;
  timerAt: number;
  closed: boolean;
}

/** The DATA phase as the guards saw it start: `pipelined` is known once 354 has gone out. */
export interface DataWatch {
  pipelined: boolean;
}

/**
 * Socket-level limits around smtp-server, whose only timeout restarts with every byte: the
 * deadlines of Pace, a per-address connection cap, and refusing message content a client
 * sent before our 354 (the way Postfix's smtpd_forbid_unauth_pipelining does). Per chunk the
 * work is constant: a counter and a look at the chunk's last line end.
 */
export class SessionGuards {
  /** Accepted sockets not yet in a session, by client address and port. */
  private readonly accepted = new Map<string, net.Socket>();
  private readonly sessions = new Map<string, Guarded>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: SmtpLimits,
    private readonly logger: Logger,
  ) {}

  /** Sees every socket the server accepts, so the session can find its own at connect. */
  watch(server: net.Server): void {
    server.on('connection', (socket: net.Socket) => {
      const key = socketKey(socket.remoteAddress, socket.remotePort);
      this.accepted.set(key, socket);
      socket.once('close', () => {
        if (this.accepted.get(key) === socket) this.accepted.delete(key);
      });
    });
  }

  /** At onConnect: the per-address cap, then the session's clock starts. */
  connect(session: SMTPServerSession): Verdict {
    const address = session.remoteAddress;
    const key = socketKey(address, session.remotePort);
    const socket = this.accepted.get(key);
    this.accepted.delete(key);
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.limits.maxConnectionsPerAddress) return REFUSED.tooManyConnections;
    this.perAddress.set(address, count + 1);
    const guarded: Guarded = {
      id: session.id,
      address,
      socket,
      pace: new Pace(this.limits, Date.now()),
      onData: (chunk) => {
        guarded.pace.received(chunk, Date.now());
        this.schedule(guarded);
      },
      timerAt: Infinity,
      closed: false,
    };
    this.sessions.set(session.id, guarded);
    // smtp-server has piped the socket into its parser by now, so reading beside it loses nothing.
    if (socket) this.follow(guarded, socket);
    else this.logger.warn({ session: session.id }, 'no socket found for the session: deadlines not enforced');
    this.schedule(guarded);
    return accept();
  }

  /** After STARTTLS the session's bytes come from the TLS socket. */
  secured(session: SMTPServerSession, socket: net.Socket): void {
    const guarded = this.sessions.get(session.id);
    if (!guarded) return;
    guarded.pace.handshakeDone();
    this.follow(guarded, socket);
  }

  /** Called in onData, before smtp-server writes 354: what the client sent with DATA is still being parsed. */
  dataStarted(session: SMTPServerSession, stream: SMTPServerDataStream): DataWatch {
    const watch: DataWatch = { pipelined: false };
    const guarded = this.sessions.get(session.id);
    guarded?.pace.dataStarted(Date.now());
    stream.once('end', () => guarded?.pace.dataEnded());
    // Runs once the parser is through the read that carried DATA: content it already wrote into
    // the stream was sent without waiting for 354.
    process.nextTick(() => {
      if (stream.byteLength === 0 && !stream.writableEnded) return;
      watch.pipelined = true;
      if (guarded) this.refuse(guarded, SYNCHRONIZATION_REPLY, 'message content sent before 354');
    });
    return watch;
  }

  /** Our answer to the message is out; the client owes us the next command again. */
  answered(session: SMTPServerSession): void {
    const guarded = this.sessions.get(session.id);
    if (!guarded) return;
    guarded.pace.answered();
    this.schedule(guarded);
  }

  closed(session: SMTPServerSession): void {
    const guarded = this.sessions.get(session.id);
    if (!guarded) return;
    this.sessions.delete(session.id);
    guarded.closed = true;
    clearTimeout(guarded.timer);
    guarded.socket?.off('data', guarded.onData);
    const left = (this.perAddress.get(guarded.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(guarded.address, left);
    else this.perAddress.delete(guarded.address);
  }

  private follow(guarded: Guarded, socket: net.Socket): void {
    guarded.socket?.off('data', guarded.onData);
    guarded.socket = socket;
    socket.on('data', guarded.onData);
  }

  /** One timer per session, moved only when a deadline comes nearer than the one it waits for. */
  private schedule(guarded: Guarded): void {
    if (guarded.closed) return;
    const due = guarded.pace.due();
    if (!due || guarded.timerAt <= due.at) return;
    clearTimeout(guarded.timer);
    guarded.timerAt = due.at;
    guarded.timer = setTimeout(() => this.check(guarded), Math.max(0, due.at - Date.now()));
    guarded.timer.unref();
  }

  private check(guarded: Guarded): void {
    guarded.timer = undefined;
    guarded.timerAt = Infinity;
    const due = guarded.pace.due();
    if (due && due.at <= Date.now()) this.refuse(guarded, OVERRUN_REPLIES[due.overrun], `${due.overrun} limit reached`);
    else this.schedule(guarded);
  }

  /** Our last line, then the socket goes: nothing the client sends after it is parsed. */
  private refuse(guarded: Guarded, reply: string, reason: string): void {
    if (guarded.closed) return;
    this.logger.info({ session: guarded.id, client: guarded.address, reason }, 'connection closed by a limit');
    const { socket } = guarded;
    this.closed({ id: guarded.id } as SMTPServerSession);
    if (!socket || socket.destroyed) return;
    socket.unpipe();
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.end(`${reply}\r\n`, () => {
      clearTimeout(linger);
      socket.destroy();
    });
  }
}

/** smtp-server reports IPv4 clients of a dual-stack listener without the ::ffff: prefix. */
function socketKey(address: string | undefined, port: number | undefined): string {
  return `${(address ?? '').replace(/^::ffff:/i, '').toLowerCase()}|${port ?? 0}`;
}
