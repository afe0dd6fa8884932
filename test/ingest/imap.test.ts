import path from 'node:path';
import type { ImapFlow } from 'imapflow';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxConfig } from '../../src/config/index.js';
import { startIngest, type IngestSpool, type RunningIngest } from '../../src/ingest/index.js';
import { Spool } from '../../src/spool/index.js';
import { asMailboxOwner, createDovecot, dovecotBinary, type PrivateDovecot } from '../helpers/dovecot.js';
import { startFreezableProxy } from '../helpers/freezableProxy.js';
import { tempDir } from '../helpers/postroom.js';
import { breakSpoolStores } from '../helpers/spoolFailure.js';
import { waitFor } from '../helpers/waitFor.js';

if (!dovecotBinary)
  console.warn('IMAP ingest tests skipped: dovecot is not installed (.ci/install-peers.sh installs dovecot-imapd)');

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const fastTiming = { responseTimeoutMs: 2_000, reconnect: { baseMs: 50, maxMs: 400 }, batchSize: 20 };

describe.skipIf(!dovecotBinary)('IMAP poller against a real Dovecot on loopback', () => {
  let dovecot: PrivateDovecot;
  let cleanupDir: () => void;
  let dir: string;
  let spoolFile: string;
  let spool: Spool;
  let ingest: RunningIngest | undefined;
  let folder: string;
  let folders = 0;

  beforeAll(async () => {
    ({ dir, cleanup: cleanupDir } = tempDir('postroom-ingest-'));
    dovecot = await createDovecot(dir);
    await dovecot.start();
  });
  afterAll(async () => {
    await dovecot?.stop();
    cleanupDir?.();
  });

  beforeEach(async () => {
    // A folder and a spool per test, so tests share the server and nothing else.
    folder = `test${++folders}`;
    spoolFile = path.join(dir, `${folder}.db`);
    spool = Spool.open(spoolFile);
    await admin((client) => client.mailboxCreate(folder));
  });
  afterEach(async () => {
    await ingest?.stop();
    ingest = undefined;
    await spool.close();
  });

  /** The test's own connection, as a user's mail client would be. */
  function admin<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    return asMailboxOwner(dovecot, work);
  }

  function append(messages: Buffer[], flags: string[] = [], into = folder): Promise<unknown> {
    return admin(async (client) => {
      for (const message of messages) await client.append(into, message, flags);
    });
  }

  async function serverView(into = folder): Promise<{ messageId: string; flags: string[] }[]> {
    return admin(async (client) => {
      await client.mailboxOpen(into);
      const messages = await client.fetchAll('1:*', { flags: true, envelope: true });
      return messages.map((m) => ({ messageId: m.envelope?.messageId ?? '', flags: [...(m.flags ?? [])].sort() }));
    });
  }

  function mailbox(overrides: Partial<MailboxConfig> = {}): MailboxConfig {
    return {
      enabled: true,
      address: 'incoming+%{key}@postroom.test',
      user: dovecot.user.user,
      password: dovecot.user.password,
      host: dovecot.host,
      port: dovecot.port,
      ssl: false,
      startTls: false,
      mailbox: folder,
      idleTimeoutSeconds: 60,
      deleteAfterDelivery: false,
      expungeDeleted: false,
      inboxMethod: 'imap',
      searchCommand: ['UNSEEN'],
      sslOptions: { verifyMode: 'peer' },
      limitMaxUnread: 0,
      ...overrides,
    } as MailboxConfig;
  }

  function start(config: MailboxConfig, target: IngestSpool = spool, serviceDesk?: MailboxConfig): RunningIngest {
    ingest = startIngest({ incoming: config, serviceDesk, spool: target, logger, imapTiming: fastTiming });
    return ingest;
  }

  function storedMessageIds(): string[] {
    return (spool.db.prepare('SELECT message_id FROM messages ORDER BY message_id').pluck().all() as string[]).sort();
  }

  it('commits unseen messages to the spool with their source and sender, then flags them \\Seen', async () => {
    const plain = mail(1, '<jake@example.com>');
    await append([plain, mail(2, '<>'), mail(3)]);
    await append([mail(4, '<already@example.com>')], ['\\Seen']);
    const running = start(mailbox());

    await waitFor(() => storedMessageIds().length === 3, 5_000, 'three messages stored');
    await waitFor(async () => (await serverView()).every((m) => m.flags.includes('\\Seen')), 5_000, 'all flagged seen');
    expect(storedMessageIds()).toEqual(['<m1@postroom.test>', '<m2@postroom.test>', '<m3@postroom.test>']);

    const uidValidity = await admin(async (client) => (await client.mailboxOpen(folder)).uidValidity);
    const [entry] = spool.findByMessageId('<m1@postroom.test>');
    expect(entry).toMatchObject({
      source: 'imap',
      mailbox: 'incoming',
      sourceRef: `imap:mailroom@127.0.0.1:${dovecot.port}/${folder}/${uidValidity}/1`,
      mailFrom: 'jake@example.com',
      recipients: [],
      state: 'queued',
    });
    expect(spool.raw(entry.id)).toEqual(plain);
    expect(spool.findByMessageId('<m2@postroom.test>')[0].mailFrom).toBe('');
    expect(spool.findByMessageId('<m3@postroom.test>')[0].mailFrom).toBe('');
    expect(await serverView()).toEqual(
      [1, 2, 3, 4].map((n) => ({ messageId: `<m${n}@postroom.test>`, flags: ['\\Seen'] })),
    );
    expect(running.health()).toEqual([
      expect.objectContaining({
        mailbox: 'incoming',
        method: 'imap',
        connected: true,
        failedStores: 0,
        lastSuccessAt: expect.any(Number),
      }),
    ]);
  });

  it('deletes after delivery, and expunges too when expunge_deleted is set', async () => {
    const expunged = `${folder}-expunged`;
    await admin((client) => client.mailboxCreate(expunged));
    await append([mail(1), mail(2)]);
    await append([mail(3)], [], expunged);
    start(
      mailbox({ deleteAfterDelivery: true }),
      spool,
      mailbox({ mailbox: expunged, deleteAfterDelivery: true, expungeDeleted: true }),
    );

    await waitFor(() => storedMessageIds().length === 3, 5_000, 'three messages stored');
    await waitFor(async () => (await serverView(expunged)).length === 0, 5_000, 'expunged folder empty');
    await waitFor(
      async () => (await serverView()).every((m) => m.flags.includes('\\Deleted')),
      5_000,
      'flagged deleted',
    );
    expect(await serverView()).toEqual(
      [1, 2].map((n) => ({ messageId: `<m${n}@postroom.test>`, flags: ['\\Deleted', '\\Seen'] })),
    );
    expect(spool.findByMessageId('<m3@postroom.test>')[0]).toMatchObject({ mailbox: 'serviceDesk' });
  });

  it('picks up a message arriving during IDLE long before the idle timeout', async () => {
    const running = start(mailbox({ idleTimeoutSeconds: 60 }));
    await waitFor(() => running.health()[0].lastSuccessAt !== undefined, 5_000, 'first pass done');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let IDLE reach the server

    const sentAt = Date.now();
    await append([mail(1)]);
    await waitFor(() => storedMessageIds().length === 1, 5_000, 'message stored');
    expect(Date.now() - sentAt).toBeLessThan(2_000);
  });

  it('takes messages already marked seen when search_command is ALL', async () => {
    await append([mail(1)], ['\\Seen']);
    await append([mail(2)]);
    start(mailbox({ searchCommand: ['ALL'] }));
    await waitFor(() => storedMessageIds().length === 2, 5_000, 'both stored');
  });

  it('takes at most limit_max_unread messages per pass, the oldest first, as mail_room does', async () => {
    await append([mail(1), mail(2), mail(3)]);
    const running = start(mailbox({ limitMaxUnread: 2, idleTimeoutSeconds: 60 }));
    await waitFor(() => running.health()[0].lastSuccessAt !== undefined, 5_000, 'first pass done');
    expect(storedMessageIds().sort()).toEqual(['<m1@postroom.test>', '<m2@postroom.test>']);
    // The rest waits for the next pass; new mail starts one.
    await append([mail(4)]);
    await waitFor(() => storedMessageIds().length === 4, 5_000, 'the next pass took the other two');
  });

  it('loses nothing and stores nothing twice when Dovecot is killed mid-pass and restarted', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => i + 1);
    await append(ids.map((n) => mail(n)));
    // Kill the server as soon as the first message reaches the spool: the rest of the batch is
    // stored but cannot be flagged, and the second batch is not fetched yet.
    let killing: Promise<void> | undefined;
    let storedAgain = 0;
    const killOnFirstStore: IngestSpool = {
      store: async (message) => {
        killing ??= dovecot.kill();
        const result = await spool.store(message);
        if (result.stored && result.duplicate) storedAgain++;
        return result;
      },
      findByMessageId: (id) => spool.findByMessageId(id),
    };
    const running = start(mailbox(), killOnFirstStore);

    await waitFor(() => killing !== undefined, 5_000, 'first store');
    await killing;
    await waitFor(() => running.health()[0].reconnects >= 2, 5_000, 'reconnect attempts against the dead server');
    await dovecot.start();
    await append([mail(31), mail(32)]);

    await waitFor(() => storedMessageIds().length >= 32, 10_000, 'all 32 stored');
    await waitFor(async () => (await serverView()).every((m) => m.flags.includes('\\Seen')), 5_000, 'all flagged seen');
    expect(storedMessageIds()).toEqual([...ids, 31, 32].map((n) => `<m${n}@postroom.test>`).sort());
    expect(spool.db.prepare('SELECT count(DISTINCT source_ref) FROM messages').pluck().get()).toBe(32);
    // The kill really fell between store and flag: the first batch came back and was recognised.
    expect(storedAgain).toBeGreaterThan(0);
  });

  it('notices a dead IDLE (a connection that went silent without closing) and reconnects', async () => {
    const proxy = await startFreezableProxy(dovecot.port);
    try {
      const running = start(mailbox({ port: proxy.port, idleTimeoutSeconds: 1 }));
      await waitFor(() => running.health()[0].lastSuccessAt !== undefined, 5_000, 'first pass done');
      proxy.freezeOpenConnections();
      await append([mail(1)]);

      // Woken by nothing (the EXISTS is lost), it looks again at the idle timeout, gets no answer,
      // and the watchdog replaces the connection.
      await waitFor(() => storedMessageIds().length === 1, 8_000, 'message stored over a new connection');
      expect(proxy.connections).toBeGreaterThanOrEqual(2);
      expect(running.health()[0].reconnects).toBeGreaterThanOrEqual(1);
    } finally {
      await ingest?.stop();
      await proxy.close();
    }
  });

  it('leaves a message unseen when the spool refuses it, and stores it once the spool heals', async () => {
    const heal = breakSpoolStores(spoolFile);
    const running = start(mailbox({ idleTimeoutSeconds: 1 }));
    await append([mail(1)]);

    await waitFor(() => running.health()[0].failedStores >= 1, 5_000, 'a refused store');
    expect(running.health()[0].lastError).toContain('disk full (test)');
    expect(await serverView()).toEqual([{ messageId: '<m1@postroom.test>', flags: [] }]);
    expect(storedMessageIds()).toEqual([]);

    heal();
    await waitFor(() => storedMessageIds().length === 1, 5_000, 'stored after healing');
    await waitFor(async () => (await serverView())[0].flags.includes('\\Seen'), 5_000, 'flagged seen');
  });

  it('survives a UIDVALIDITY change (folder recreated) without storing anything twice or dropping a reused UID', async () => {
    await append([mail(1), mail(2)]);
    const running = start(mailbox({ idleTimeoutSeconds: 1 }));
    await waitFor(() => storedMessageIds().length === 2, 5_000, 'first two stored');
    const before = await admin(async (client) => (await client.mailboxOpen(folder)).uidValidity);

    // Recreated folder: m3 is new and gets UID 1 again; m1 came back seen; m2 came back unseen,
    // as a message stored just before the change but not yet flagged would.
    await admin(async (client) => {
      await client.mailboxDelete(folder);
      await client.mailboxCreate(folder);
      await client.append(folder, mail(3));
      await client.append(folder, mail(1), ['\\Seen']);
      await client.append(folder, mail(2));
    });
    const after = await admin(async (client) => (await client.mailboxOpen(folder)).uidValidity);
    expect(after).not.toBe(before);

    await waitFor(() => storedMessageIds().length >= 3, 8_000, 'the new message stored');
    await waitFor(async () => (await serverView()).every((m) => m.flags.includes('\\Seen')), 5_000, 'all flagged seen');
    expect(storedMessageIds()).toEqual(['<m1@postroom.test>', '<m2@postroom.test>', '<m3@postroom.test>']);
    expect(spool.findByMessageId('<m3@postroom.test>')[0].sourceRef).toBe(
      `imap:mailroom@127.0.0.1:${dovecot.port}/${folder}/${after}/1`,
    );
    expect(running.health()[0].failedStores).toBe(0);
  });

  it('stops cleanly, leaving no timers or sockets behind', async () => {
    const timersAndSockets = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'TCPSocketWrap').length;
    const baseline = timersAndSockets();
    const running = start(mailbox());
    await waitFor(() => running.health()[0].connected, 5_000, 'connected');
    await running.stop();
    ingest = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    expect(timersAndSockets()).toBeLessThanOrEqual(baseline);
  });
});

function mail(n: number, returnPath?: string): Buffer {
  return Buffer.from(
    [
      ...(returnPath === undefined ? [] : [`Return-Path: ${returnPath}`]),
      'From: Jake <jake@example.com>',
      'To: incoming+gitlabhq-gitlabhq-project_id-issue-@postroom.test',
      `Subject: message ${n}`,
      `Message-ID: <m${n}@postroom.test>`,
      'Date: Tue, 25 Nov 2025 10:00:00 +0000',
      '',
      `Body of message ${n}.`,
      '',
    ].join('\r\n'),
  );
}
