import net from 'node:net';

/**
 * A minimal pipelining SMTP client for load: MAIL, RCPT and DATA go in one write (as Postfix's
 * client does), then the message; the connection is reused for the next one.
 */
export class LoadConnection {
  private buffer = '';
  private waiting: ((code: number) => void)[] = [];
  private ready: number[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      this.buffer += data;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (line[3] === '-') continue;
        const code = Number(line.slice(0, 3));
        const waiter = this.waiting.shift();
        if (waiter) waiter(code);
        else this.ready.push(code);
      }
    });
  }

  static async open(port: number): Promise<LoadConnection> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new LoadConnection(socket);
    await connection.expect(220);
    socket.write('EHLO load.test\r\n');
    await connection.expect(250);
    return connection;
  }

  private reply(): Promise<number> {
    const code = this.ready.shift();
    if (code !== undefined) return Promise.resolve(code);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async expect(code: number): Promise<void> {
    const got = await this.reply();
    if (got !== code) throw new Error(`expected ${code}, got ${got}`);
  }

  /** Sends one message; `body` must already end in CRLF and hold no line starting with a dot. */
  async send(from: string, to: string, body: Buffer, onEndOfData?: () => void): Promise<void> {
    await this.beginData(from, to);
    this.socket.write(body);
    this.socket.write('.\r\n');
    onEndOfData?.();
    await this.expect(250);
  }

  /** Opens a transaction and waits for 354: what is written next is the message. */
  async beginData(from: string, to: string): Promise<void> {
    this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    await this.expect(250);
    await this.expect(250);
    await this.expect(354);
  }

  /** Resolves once the bytes have left for the server (it may still be reading them). */
  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  close(): void {
    this.socket.end('QUIT\r\n');
  }
}

/** A message of about `size` bytes with CRLF lines of 76 characters. */
export function makeMessage(size: number, id: string): Buffer {
  const head = `From: load@client.test\r\nTo: <incoming@postroom.test>\r\nSubject: load\r\nMessage-ID: <${id}@client.test>\r\n\r\n`;
  const line = `${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 76)}\r\n`;
  const lines = Math.max(1, Math.ceil((size - head.length) / line.length));
  return Buffer.from(head + line.repeat(lines));
}
