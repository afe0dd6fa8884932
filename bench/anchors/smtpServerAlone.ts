import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// The SMTP library's own ceiling, as paired-accept.sh measures it: smtp-server with no storage,
// no checks and no logging, each message drained and answered 250. Prints its port once listening.
const server = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  size: 25 << 20,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback(null, 'Ok'));
  },
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
