import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SmtpConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import type { RcptRefusal, Spool } from '../spool/index.js';
import { keepExplicitEnhancedStatus } from './enhancedStatus.js';
import { MemoryBudget } from './memoryBudget.js';
import { collectMessage, type CollectedMessage } from './messageCollector.js';
import { owned } from './ownedPages.js';
import { receivedHeader } from './receivedHeader.js';
import type { RecipientPolicy } from './recipientPolicy.js';
import { SessionGuards, type DataWatch } from './sessionGuards.js';
import { checkSender, type SenderAuth } from './senderCheck.js';
import type { TlsPair } from './certificateReload.js';
import type { TlsMaterial } from './tls.js';
import { TrustedRelays } from './trustedRelays.js';
import { REFUSED, toSmtpError, type Verdict } from './verdict.js';

export interface SmtpFrontOptions {
  config: SmtpConfig;
  spool: Spool;
  policy: RecipientPolicy;
  logger: Logger;
  tls: TlsMaterial;
  /** Sender authentication at end of DATA; absent when `sender_auth` is off. */
  senderAuth?: SenderAuth;
  /** Told of every recipient refused at RCPT TO (the console's refusal log); must not block. */
  onRcptRefused?: (refusal: RcptRefusal) => void;
}

export interface SmtpFront {
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** RCPT TO and end-of-DATA replies given so far, by code: what metrics read. */
  replies(): Record<string, number>;
  /** Serves this key and certificate to every STARTTLS from now on (sessions already secured keep theirs). */
  serveTls(pair: TlsPair): void;
}

type Callback = (error?: Error | null, message?: string) => void;

/** The SMTP session: protocol and policy only. MIME and routing happen after the spool. */
export function createSmtpFront({
  config,
  spool,
  policy,
  logger,
  tls,
  senderAuth,
  onRcptRefused,
}: SmtpFrontOptions): SmtpFront {
  keepExplicitEnhancedStatus();
  const relays = config.trustedRelays.length > 0 ? new TrustedRelays(config.trustedRelays) : undefined;
  // One child logger per session, made at connect: every line carries the session id.
  const sessionLogs = new Map<string, Logger>();
  const sessionLog = (session: SMTPServerSession) =>
    sessionLogs.get(session.id) ?? logger.child({ session: session.id });
  const replies: Record<string, number> = {};
  const answer = (verdict: Verdict, callback: Callback, message?: string) => {
    const code = verdict.kind === 'accept' ? 250 : verdict.code;
    replies[code] = (replies[code] ?? 0) + 1;
    return verdict.kind === 'accept' ? callback(null, message) : callback(toSmtpError(verdict));
  };
  const answerRecipient = (verdict: Verdict, recipient: string, session: SMTPServerSession, callback: Callback) => {
    if (verdict.kind !== 'accept') {
      onRcptRefused?.({
        at: Date.now(),
        sessionId: session.id,
        clientAddress: session.remoteAddress,
        helo: session.hostNameAppearsAs,
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        recipient,
        code: verdict.code,
        reason: `${verdict.status} ${verdict.text}`,
      });
    }
    answer(verdict, callback);
  };
  const guards = new SessionGuards(config, logger);
  const budget = new MemoryBudget(config.memoryBudget);

  const server = new SMTPServer({
    name: config.hostname,
    banner: 'Postroom ESMTP',
    size: config.maxMessageSize,
    // An MX front door takes no logins: AUTH is neither offered nor accepted.
    disabledCommands: ['AUTH'],
    authOptional: true,
    key: tls.key,
    cert: tls.cert,
    maxClients: config.maxClients,
    socketTimeout: config.socketTimeoutMs,
    closeTimeout: config.closeTimeoutMs,
    disableReverseLookup: true,
    // Off by default in smtp-server; clients and Postfix read the x.y.z detail from them.
    hideENHANCEDSTATUSCODES: false,
    logger: false,
    // Only a trusted relay may name the original client; no list means no peer may.
    useXClient: relays?.connected ?? false,
    useXForward: relays?.connected ?? false,

    onConnect(session, callback) {
      const log = logger.child({ session: session.id });
      sessionLogs.set(session.id, log);
      log.info(
        { client: session.remoteAddress, trustedRelay: relays?.admit(session.id, session.remoteAddress) },
        'connection',
      );
      const verdict = guards.connect(session);
      // Only a refusal is a reply of its own; an accepted connection is answered by the greeting.
      if (verdict.kind === 'accept') return callback();
      log.info({ client: session.remoteAddress, code: verdict.code }, 'connection refused');
      answer(verdict, callback);
    },

    onSecure(socket, session, callback) {
      guards.secured(session, socket);
      callback();
    },

    onMailFrom(address, session, callback) {
      // After a trusted relay's XCLIENT/XFORWARD the session's address is the original client's.
      sessionLog(session).debug({ mailFrom: address.address, client: session.remoteAddress }, 'mail from');
      callback();
    },

    onRcptTo(address, session, callback) {
      const log = sessionLog(session);
      if (session.envelope.rcptTo.length >= config.maxRecipients) {
        log.info({ rcpt: address.address }, 'recipient refused: too many recipients');
        return answerRecipient(REFUSED.tooManyRecipients, address.address, session, callback);
      }
      Promise.resolve()
        .then(() => policy.check(address.address))
        .then(
          (verdict) => {
            if (verdict.kind === 'accept') log.debug({ rcpt: address.address }, 'recipient accepted');
            else log.info({ rcpt: address.address, code: verdict.code, status: verdict.status }, 'recipient refused');
            answerRecipient(verdict, address.address, session, callback);
          },
          (error: unknown) => {
            log.error({ rcpt: address.address, err: error }, 'recipient check failed');
            answerRecipient(REFUSED.lookupUnavailable, address.address, session, callback);
          },
        );
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const transaction = `${session.id}.${session.transaction}`;
      // Made only when there is something to say: an accepted message's line is the writer thread's.
      let transactionLog: Logger | undefined;
      const log = () => (transactionLog ??= sessionLog(session).child({ transaction }));
      const watch = guards.dataStarted(session, stream);
      const answered = (verdict: Verdict, message?: string) => {
        answer(verdict, callback, message);
        guards.answered(session);
      };
      receiveData(stream, session, transaction, log, watch).then(
        ({ verdict, message }) => answered(verdict, message),
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ECONNECTION')
            log().info('message abandoned: the connection closed before its end');
          else log().error({ err: error }, 'message not stored');
          answered(REFUSED.storageFailed);
        },
      );
    },

    onClose(session) {
      guards.closed(session);
      sessionLog(session).info('disconnected');
      sessionLogs.delete(session.id);
      relays?.release(session.id);
    },
  });

  // A client's broken connection is an event to log, never a reason for the process to die.
  server.on('error', (error) => logger.warn({ err: error }, 'smtp connection error'));
  guards.watch(server.server);

  async function receiveData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    transaction: string,
    log: () => Logger,
    watch: DataWatch,
  ) {
    const collected = await collectMessage(stream, {
      maxSize: config.maxMessageSize,
      budget,
      spillThreshold: config.spillThreshold,
      spillPath: () => spool.spillPath(),
    });
    try {
      return await storeCollected(collected, stream, session, transaction, log, watch);
    } finally {
      budget.give(collected.held);
    }
  }

  async function storeCollected(
    collected: CollectedMessage,
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    transaction: string,
    log: () => Logger,
    watch: DataWatch,
  ) {
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const refused = refusal(collected, stream, watch);
    if (refused) {
      log().warn({ size: collected.size, limit: config.maxMessageSize, mailFrom }, `message refused: ${refused.why}`);
      await collected.spill?.discard();
      return { verdict: refused.verdict };
    }
    const viaRelay = relays?.relayed(session.id) ?? false;
    const checked = senderAuth && (await checkSender(senderAuth, collected, session, viaRelay));
    if (checked?.kind === 'refused') {
      log().warn({ mailFrom, client: session.remoteAddress, auth: checked.results }, 'message refused: DMARC reject');
      await collected.spill?.discard();
      return { verdict: checked.verdict };
    }
    const message = checked ?? { chunks: collected.chunks, size: collected.size, header: Buffer.alloc(0) };
    const receivedAt = Date.now();
    const trace = receivedHeader({
      helo: session.hostNameAppearsAs,
      clientAddress: session.remoteAddress,
      hostname: config.hostname,
      tls: session.secure,
      id: transaction,
      recipients,
      date: new Date(receivedAt),
    });
    // The spool is now the only holder of the chunks: it lets them go once they are on their
    // way to the writer, long before the commit answers.
    const chunks = [owned(message.header, trace), ...message.chunks.splice(0)];
    const result = await spool.store({
      source: 'smtp',
      sessionId: session.id,
      clientAddress: session.remoteAddress,
      helo: session.hostNameAppearsAs,
      tls: session.secure,
      mailFrom,
      recipients,
      receivedAt,
      messageId: collected.messageId,
      chunks,
      spillFile: collected.spill?.path,
      spillOffset: checked?.spillOffset,
      transferable: true,
      size: message.header.length + trace.length + message.size,
      // Ours: the Authentication-Results and Received fields on top.
      ownHeaderBytes: message.header.length + trace.length,
      auth: checked?.results,
    });
    if (!result.stored) {
      log().error({ reason: result.reason, messageId: collected.messageId }, 'message not stored: answering 451');
      return { verdict: REFUSED.storageFailed };
    }
    // The "message stored" line comes from the spool's writer thread, once the commit is on disk.
    return { verdict: { kind: 'accept' } as Verdict, message: `2.0.0 Ok: queued as ${result.id}` };
  }

  /** What stops a collected message short of the spool, checked in the order a client can fix them. */
  function refusal(collected: CollectedMessage, stream: SMTPServerDataStream, watch: DataWatch) {
    if (watch.pipelined) return { verdict: REFUSED.unsynchronizedPipelining, why: 'content sent before 354' };
    if (collected.oversized || stream.sizeExceeded) return { verdict: REFUSED.tooLarge, why: 'too large' };
    if (collected.bareLineEnding) return { verdict: REFUSED.bareLineEnding, why: 'bare CR or LF' };
    return undefined;
  }

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(server.server.address() as AddressInfo);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
    replies: () => ({ ...replies }),
    serveTls: (pair) => server.updateSecureContext(pair),
  };
}
