import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  code: number;
  lines: string[];
  /** All lines' text joined, without the codes. */
  text: string;
}

/**
 * A raw SMTP client for tests that must control every byte (smuggling, pipelining, odd commands):
 * it parses replies, including multi-line ones, as they arrive.
 */
export class SmtpTalk {
  private buffer = '';
  private replies: Reply[] = [];
  private waiters: ((reply: Reply) => void)[] = [];
  private current: string[] = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  /** `localAddress` picks the client's address (any of 127.0.0.0/8 on Linux), for per-address limits. */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<SmtpTalk> {
    const socket = net.connect({ port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SmtpTalk(socket);
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => this.onData(data));
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  private onData(data: string): void {
    this.buffer += data;
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      this.current.push(line);
      if (line[3] !== '-') {
        const lines = this.current;
        this.current = [];
        const reply = { code: Number(line.slice(0, 3)), lines, text: lines.map((l) => l.slice(4)).join('\n') };
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply, waiting up to `timeoutMs` for it. */
  read(timeoutMs = 5000): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (reply: Reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiters.push(done);
    });
  }

  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Upgrades the connection after a 220 to STARTTLS. */
  async startTls(servername: string): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, servername, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** The certificate the server presented, once the connection is secured. */
  peerCertificate(): tls.PeerCertificate {
    if (!(this.socket instanceof tls.TLSSocket)) throw new Error('the connection is not secured');
    return this.socket.getPeerCertificate();
  }

  waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Connects and reads the greeting, then says EHLO. */
export async function greet(port: number, name = 'client.test'): Promise<{ talk: SmtpTalk; ehlo: Reply }> {
  const talk = await SmtpTalk.connect(port);
  const greeting = await talk.read();
  if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.lines.join(' ')}`);
  return { talk, ehlo: await talk.command(`EHLO ${name}`) };
}
