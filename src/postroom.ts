import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { PostroomConfig } from './config/index.js';
import type { Logger } from './log/logger.js';
import { createSmtpFront } from './smtp/server.js';
import { configRecipientPolicy } from './smtp/configRecipientPolicy.js';
import { loadTlsMaterial } from './smtp/tls.js';
import { Spool } from './spool/index.js';

export interface RunningPostroom {
  smtp: AddressInfo;
  spool: Spool;
  stop(): Promise<void>;
}

/** The composition root: opens the spool, then starts the front door on it. */
export interface StartOptions {
  /** Where a development certificate is made when none is configured. */
  certDir?: string;
}

export async function startPostroom(config: PostroomConfig, logger: Logger, options: StartOptions = {}): Promise<RunningPostroom> {
  const spool = Spool.open(config.store.path);
  const tls = loadTlsMaterial(config.smtp.tls, config.smtp.hostname, options.certDir ?? path.resolve('certs'), logger);
  const front = createSmtpFront({ config: config.smtp, spool, policy: configRecipientPolicy(config), logger, tls });
  let smtp: AddressInfo;
  try {
    smtp = await front.listen();
  } catch (error) {
    spool.close();
    throw error;
  }
  logger.info({ smtp: `${smtp.address}:${smtp.port}`, store: config.store.path, domains: config.smtp.acceptedDomains }, 'postroom listening');
  return {
    smtp,
    spool,
    async stop() {
      await front.close();
      spool.close();
      logger.info('postroom stopped');
    },
  };
}
