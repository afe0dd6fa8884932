import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MailSink {
  port: number;
  /** Messages the sink answered 250 to. */
  received(): number;
  close(): Promise<void>;
}

/**
 * The outgoing relay for benches: a real SMTP listener on loopback that reads each message to its
 * end and counts it, and does nothing else (a capture relay's parsing would cost the bench CPU).
 */
export async function startMailSink(): Promise<MailSink> {
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    maxClients: 100,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback(null, 'Ok: counted');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as net.AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
