import net from 'node:net';

/**
 * Nodemailer's own sockets keep Nagle's algorithm on, so the end of every message waits for the
 * relay's delayed ACK (40 ms on Linux): 48 ms a mail on loopback instead of 3. This hands it a
 * socket opened with no delay; nodemailer speaks SMTP (and TLS) on it as on its own, and reports
 * a refused connection the same way, while its greeting timeout bounds one that never answers.
 */
export function noDelaySocket(
  options: { host?: string; port?: number },
  callback: (error: null, socketOptions: { connection: net.Socket }) => void,
): void {
  callback(null, { connection: net.connect({ host: options.host, port: options.port!, noDelay: true }) });
}
