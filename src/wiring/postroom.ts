import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { PostroomConfig } from '../config/index.js';
import type { PollerHealth } from '../ingest/index.js';
import type { Logger } from '../log/logger.js';
import { configRecipientPolicy } from '../smtp/configRecipientPolicy.js';
import type { KeyDirectory } from '../smtp/keyDirectory.js';
import { CertificateKeeper, type TlsStatus } from '../smtp/certificateReload.js';
import { createSmtpFront } from '../smtp/server.js';
import { loadTlsMaterial } from '../smtp/tls.js';
import { RefusalLog, Spool } from '../spool/index.js';
import { threadEntry } from '../threads/threadEntry.js';
import { startRoutingThread, type RoutingThread } from '../worker/routingThread.js';

export interface RunningPostroom {
  /** Absent when `smtp.enabled` is false (mail_room mode). */
  smtp?: AddressInfo;
  http?: AddressInfo;
  spool: Spool;
  /** Absent when `worker.enabled` is false. */
  worker?: RoutingThread;
  /** The IMAP and Graph pollers' liveness. */
  ingestHealth(): PollerHealth[];
  /** Reads again what can change under a running server (the TLS key and certificate); on SIGHUP. */
  reload(trigger: string): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where a development certificate is made when none is configured. */
  certDir?: string;
}

/**
 * The composition root, in the order mail flows backwards: the spool first (nothing may be
 * accepted before it can be stored), then the routing thread (worker and sink), then the doors
 * mail comes in by. Stopping goes the other way; a failed start closes what it had opened.
 */
export async function startPostroom(
  config: PostroomConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningPostroom> {
  const closers: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const spool = Spool.open(config.store.path, { logLevel: config.log.level });
    closers.push(() => spool.close());
    spool.startWriter();
    const worker = config.worker.enabled
      ? await startRoutingThread(
          { config, spoolWriteLock: spool.writeLock },
          logger.child({ part: 'routing' }),
          threadEntry(import.meta.url, 'routingThreadMain.js'),
        )
      : undefined;
    if (worker) {
      closers.push(() => worker.stop());
      spool.onStored(() => worker.wake());
    }
    const front = config.smtp.enabled ? await openSmtpFront(config, spool, logger, options, closers) : undefined;
    const smtp = front?.address;
    // The parts below load only when configured: every module the SMTP thread does not need is
    // memory it does not spend (the routing thread has its own copy of the heavy ones).
    const polled = [config.incomingEmail, config.serviceDeskEmail].some(
      (m) => m.enabled && (m.host || m.inboxMethod === 'microsoft_graph'),
    );
    const ingest = polled
      ? (await import('../ingest/index.js')).startIngest({
          incoming: config.incomingEmail,
          serviceDesk: config.serviceDeskEmail,
          spool,
          logger: logger.child({ part: 'ingest' }),
          trustedAuthservIds: config.senderAuth.trustedAuthservIds,
        })
      : undefined;
    if (ingest) closers.push(() => ingest.stop());
    let http: AddressInfo | undefined;
    if (config.http.enabled) {
      const { addressTemplates, startHttp } = await import('../http/index.js');
      const { openNotifyingTracker, outboxReader, signInMailer } = await import('./embedded.js');
      // The API's own tracker connection: notes posted through it are mailed from this thread.
      const api = config.sink === 'embedded' ? openNotifyingTracker(config, logger.child({ part: 'api' })) : undefined;
      if (api) closers.push(() => api.close());
      const server = await startHttp({
        config: config.http,
        tracker: api?.tracker,
        spool,
        health: () => ingest?.health() ?? [],
        routing: worker && (() => ({ running: worker.running(), restarts: worker.restarts() })),
        wakeRouting: worker && (() => worker.wake()),
        smtpReplies: front && (() => front.replies()),
        tls: front && (() => front.tls()),
        templates: addressTemplates(config),
        baseUrl: config.outgoing.baseUrl,
        outbox: api?.outbox && outboxReader(api.outbox),
        mailSignInLink: api?.outbox && signInMailer(config, api.outbox),
        logger: logger.child({ part: 'http' }),
      });
      closers.push(() => server.close());
      http = server.address;
    }

    logger.info(
      {
        smtp: smtp ? `${smtp.address}:${smtp.port}` : 'off',
        http: http && `${http.address}:${http.port}`,
        store: config.store.path,
        sink: config.sink,
        domains: config.smtp.acceptedDomains,
      },
      'postroom listening',
    );
    let stopped = false;
    return {
      smtp,
      http,
      spool,
      worker,
      ingestHealth: () => ingest?.health() ?? [],
      reload(trigger) {
        if (front) front.reloadTls(trigger);
        else logger.info({ trigger }, 'nothing to reload without an SMTP front');
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await closeAll();
        logger.info('postroom stopped');
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The SMTP front door, with its certificate and the key directory RCPT TO asks. */
async function openSmtpFront(
  config: PostroomConfig,
  spool: Spool,
  logger: Logger,
  options: StartOptions,
  closers: (() => unknown)[],
): Promise<{
  address: AddressInfo;
  replies(): Record<string, number>;
  tls(): TlsStatus;
  reloadTls(trigger: string): void;
}> {
  const tls = loadTlsMaterial(config.smtp.tls, config.smtp.hostname, options.certDir ?? path.resolve('certs'), logger);
  // RCPT TO also asks whether a key means something: the embedded tracker, or GitLab's API.
  let directory: KeyDirectory | undefined;
  if (config.sink === 'embedded' && config.smtp.verifyKeys) {
    const { openTracker, trackerKeyDirectory } = await import('../tracker/index.js');
    const tracker = openTracker(config.tracker.path);
    closers.push(() => tracker.close());
    directory = trackerKeyDirectory(tracker);
  }
  const gitlabUrl = config.gitlab.url ?? config.incomingEmail.gitlabUrl;
  if (config.sink === 'gitlab' && config.smtp.verifyKeys && config.gitlab.apiToken && gitlabUrl) {
    const { gitlabKeyDirectory } = await import('../gitlab/index.js');
    directory = gitlabKeyDirectory({
      gitlabUrl,
      apiToken: config.gitlab.apiToken,
      timeoutMs: config.gitlab.timeoutMs,
      cacheTtlMs: config.gitlab.cacheTtlMs,
    });
  }
  // mailauth is loaded only when sender authentication is on.
  const senderAuth = config.senderAuth.enabled ? (await import('./senderAuth.js')).startSenderAuth(config) : undefined;
  if (senderAuth) closers.push(() => senderAuth.authenticator.close());
  const refusals = RefusalLog.open(config.store.path, {
    onError: (error) => logger.warn({ err: error }, 'RCPT refusals not written yet (will try again)'),
  });
  closers.push(() => refusals.close());
  const front = createSmtpFront({
    config: config.smtp,
    spool,
    policy: configRecipientPolicy(config, directory),
    logger,
    tls,
    senderAuth,
    onRcptRefused: (refusal) => refusals.record(refusal),
  });
  const address = await front.listen();
  closers.push(() => front.close());
  const certificate = new CertificateKeeper(tls, (pair) => front.serveTls(pair), logger.child({ part: 'tls' }));
  // A renewal that runs no hook (certbot's default) is seen by itself.
  const check = setInterval(() => certificate.reloadIfChanged(), config.smtp.tls.reloadCheckMs).unref();
  closers.push(() => clearInterval(check));
  return {
    address,
    replies: () => front.replies(),
    tls: () => certificate.status(),
    reloadTls: (trigger) => certificate.reload(trigger),
  };
}
