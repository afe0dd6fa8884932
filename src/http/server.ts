import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { buildApp, type AppOptions } from './app.js';

const REQUEST_TIMEOUT_MS = 30_000;
// Requests in flight get this long to finish on close; then their connections are cut.
const CLOSE_GRACE_MS = 5_000;

export type HttpOptions = AppOptions;

export interface RunningHttp {
  address: AddressInfo;
  /** Stops listening, lets requests in flight finish (briefly), then resolves. */
  close(): Promise<void>;
}

/** Health, metrics, the token-protected API, the console and the tracker's pages on one node:http server. */
export async function startHttp(options: HttpOptions): Promise<RunningHttp> {
  const { config, logger } = options;
  const app = buildApp(options);
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: { requestTimeout: REQUEST_TIMEOUT_MS },
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'http server error'));
  const address = server.address() as AddressInfo;
  logger.info({ http: `${address.address}:${address.port}`, api: config.token !== undefined }, 'http listening');

  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
