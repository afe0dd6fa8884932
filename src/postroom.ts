import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { PostroomConfig } from './config/index.js';
import type { Logger } from './log/logger.js';
import { createSmtpFront } from './smtp/server.js';
import { configRecipientPolicy } from './smtp/configRecipientPolicy.js';
import { loadTlsMaterial } from './smtp/tls.js';
import { Spool } from './spool/index.js';
import { gitlabProcessorFor } from './processing.js';
import { startWorker, type Worker } from './worker/worker.js';

export interface RunningPostroom {
  smtp: AddressInfo;
  spool: Spool;
  worker?: Worker;
  stop(): Promise<void>;
}

/** The composition root: opens the spool, then starts the front door on it. */
export interface StartOptions {
  /** Where a development certificate is made when none is configured. */
  certDir?: string;
}

export async function startPostroom(config: PostroomConfig, logger: Logger, options: StartOptions = {}): Promise<RunningPostroom> {
  const process = config.sink === 'gitlab' ? gitlabProcessorFor(config) : undefined;
  const spool = Spool.open(config.store.path);
  const worker = process
    ? startWorker({
        spool,
        process,
        logger: logger.child({ part: 'worker' }),
        concurrency: config.worker.concurrency,
        retry: { baseMs: config.worker.retryBaseMs, maxMs: config.worker.retryMaxMs, maxAttempts: config.worker.maxAttempts, maxAgeMs: config.worker.maxAgeMs },
      })
    : undefined;
  if (worker) spool.onStored(() => worker.wake());
  const tls = loadTlsMaterial(config.smtp.tls, config.smtp.hostname, options.certDir ?? path.resolve('certs'), logger);
  const front = createSmtpFront({ config: config.smtp, spool, policy: configRecipientPolicy(config), logger, tls });
  let smtp: AddressInfo;
  try {
    smtp = await front.listen();
  } catch (error) {
    await worker?.stop();
    spool.close();
    throw error;
  }
  logger.info({ smtp: `${smtp.address}:${smtp.port}`, store: config.store.path, domains: config.smtp.acceptedDomains }, 'postroom listening');
  let stopped = false;
  return {
    smtp,
    spool,
    worker,
    async stop() {
      if (stopped) return;
      stopped = true;
      await front.close();
      await worker?.stop();
      spool.close();
      logger.info('postroom stopped');
    },
  };
}
