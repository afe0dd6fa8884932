import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxConfig } from '../../src/config/index.js';
import { startIngest, type RunningIngest } from '../../src/ingest/index.js';
import { graphOptions } from '../../src/ingest/graphOptions.js';
import { Spool } from '../../src/spool/index.js';
import { startGraphStandIn, type GraphStandIn } from '../helpers/graphStandIn.js';
import { tempDir } from '../helpers/postroom.js';
import { breakSpoolStores } from '../helpers/spoolFailure.js';
import { waitFor } from '../helpers/waitFor.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe("Microsoft Graph poller, against a local stand-in for Microsoft's service (node:http on loopback)", () => {
  let standIn: GraphStandIn;
  let spool: Spool;
  let spoolFile: string;
  let cleanup: () => void;
  let ingest: RunningIngest | undefined;

  beforeEach(async () => {
    const temp = tempDir('postroom-graph-');
    cleanup = temp.cleanup;
    spoolFile = path.join(temp.dir, 'spool.db');
    spool = Spool.open(spoolFile);
    standIn = await startGraphStandIn();
  });
  afterEach(async () => {
    await ingest?.stop();
    ingest = undefined;
    await standIn.close();
    await spool.close();
    cleanup();
  });

  function mailbox(overrides: Partial<MailboxConfig> = {}, options: Record<string, unknown> = {}): MailboxConfig {
    return {
      enabled: true,
      address: 'incoming+%{key}@postroom.test',
      user: standIn.user,
      port: 143,
      ssl: false,
      startTls: false,
      mailbox: standIn.folder,
      idleTimeoutSeconds: 60,
      deleteAfterDelivery: false,
      expungeDeleted: false,
      inboxMethod: 'microsoft_graph',
      inboxOptions: {
        tenant_id: standIn.tenant,
        client_id: standIn.clientId,
        client_secret: standIn.clientSecret,
        poll_interval: 0.1,
        azure_ad_endpoint: standIn.url,
        graph_endpoint: standIn.url,
        ...options,
      },
      searchCommand: ['UNSEEN'],
      sslOptions: { verifyMode: 'peer' },
      limitMaxUnread: 0,
      ...overrides,
    } as MailboxConfig;
  }

  function start(config: MailboxConfig): RunningIngest {
    ingest = startIngest({ incoming: config, spool, logger });
    return ingest;
  }

  const requestsTo = (method: string, suffix: string) =>
    standIn.requests.filter((r) => r.method === method && r.path.endsWith(suffix));
  const listings = () => requestsTo('GET', `/mailFolders/${standIn.folder}/messages`);
  const firstPages = () => listings().filter((r) => !new URLSearchParams(r.query).has('$skiptoken'));

  it('delivers every unread message across pages, committing each before marking it read, with one token', async () => {
    const unread = [1, 2, 3, 4, 5].map((n) => standIn.add(mail(n)));
    const alreadyRead = standIn.add(mail(6), true);
    const readBeforeStored: string[] = [];
    standIn.onPatch = (message) => {
      if (spool.findByMessageId(messageIdOf(message.raw)).length !== 1) readBeforeStored.push(message.id);
    };
    const running = start(mailbox());

    await waitFor(() => unread.every((m) => m.isRead), 5_000, 'all five marked read');
    await waitFor(() => firstPages().length >= 4, 5_000, 'a few more polls');

    // All in the first poll: three pages were listed before anything was marked read (marking
    // while paging would shift the later pages and skip messages until the next poll).
    const [first, second] = firstPages();
    const firstPoll = listings().filter((r) => r.at >= first.at && r.at < second.at);
    expect(firstPoll.map((r) => new URLSearchParams(r.query).has('$skiptoken'))).toEqual([false, true, true]);
    expect(requestsTo('PATCH', '').filter((r) => r.at < second.at)).toHaveLength(5);

    expect(readBeforeStored).toEqual([]);
    expect(standIn.tokensIssued).toEqual(['token-1']);
    expect(
      standIn.requests.filter((r) => r.path.startsWith('/v1.0/')).every((r) => r.token === 'token-1' && r.status < 400),
    ).toBe(true);
    expect(requestsTo('GET', `${alreadyRead.id}/$value`)).toEqual([]);
    expect(requestsTo('DELETE', '')).toEqual([]);
    expect(unread.every((m) => !m.deleted)).toBe(true);

    const entries = unread.map((m) => spool.findByMessageId(messageIdOf(m.raw)));
    expect(entries.every((found) => found.length === 1)).toBe(true);
    expect(entries[0][0]).toMatchObject({
      source: 'graph',
      mailbox: 'incoming',
      sourceRef: `graph:${standIn.user}/${unread[0].id}`,
      mailFrom: 'jake@example.com',
      recipients: [],
    });
    expect(spool.raw(entries[0][0].id)).toEqual(unread[0].raw);
    expect(running.health()).toEqual([
      expect.objectContaining({
        method: 'microsoft_graph',
        connected: true,
        lastSuccessAt: expect.any(Number),
        failedStores: 0,
      }),
    ]);
  });

  it('deletes each message after delivery when delete_after_delivery is set', async () => {
    const messages = [1, 2, 3].map((n) => standIn.add(mail(n)));
    start(mailbox({ deleteAfterDelivery: true }));
    await waitFor(() => messages.every((m) => m.deleted), 5_000, 'all deleted');
    expect(messages.every((m) => m.isRead)).toBe(true);
    expect(spool.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(3);
  });

  it("waits out a 429's and a 503's Retry-After before asking again", async () => {
    const message = standIn.add(mail(1));
    standIn.failNext((method, p) => method === 'GET' && p.endsWith('/messages'), 1, 429, 1);
    standIn.failNext((method, p) => method === 'GET' && p.endsWith('/$value'), 1, 503, 1);
    start(mailbox());

    await waitFor(() => message.isRead, 6_000, 'delivered after throttling');
    const [throttledList, nextList] = listings();
    expect(throttledList.status).toBe(429);
    expect(nextList.at - throttledList.at).toBeGreaterThanOrEqual(950);
    const [throttledValue, nextValue] = requestsTo('GET', '/$value');
    expect(throttledValue.status).toBe(503);
    expect(nextValue.at - throttledValue.at).toBeGreaterThanOrEqual(950);
    expect((ingest!.pollers[0] as { throttled?: number }).throttled).toBe(2);
  });

  it('asks for a new token when the old one is about to expire, and never sends an expired one', async () => {
    standIn.tokenLifetimeSeconds = 1;
    start(mailbox());
    await waitFor(() => standIn.tokensIssued.length >= 3, 5_000, 'three tokens');
    expect(standIn.requests.filter((r) => r.status === 401)).toEqual([]);
    // Reused in between: far more listings than tokens.
    expect(listings().length).toBeGreaterThan(standIn.tokensIssued.length * 2);
  });

  it('leaves a message unread when the spool refuses it, and delivers it at a later poll', async () => {
    const message = standIn.add(mail(1));
    const heal = breakSpoolStores(spoolFile);
    const running = start(mailbox());

    await waitFor(() => running.health()[0].failedStores >= 2, 5_000, 'refused twice');
    expect(message.isRead).toBe(false);
    expect(requestsTo('PATCH', '')).toEqual([]);
    expect(running.health()[0].lastError).toContain('disk full (test)');

    heal();
    await waitFor(() => message.isRead, 5_000, 'marked read after healing');
    expect(spool.findByMessageId(messageIdOf(message.raw))).toHaveLength(1);
  });

  it('logs a server error and tries again at the next poll, without stopping', async () => {
    const message = standIn.add(mail(1));
    standIn.failNext((method, p) => method === 'GET' && p.endsWith('/messages'), 2, 500);
    const running = start(mailbox());
    await waitFor(() => message.isRead, 5_000, 'delivered after the errors');
    expect(listings().filter((r) => r.status === 500)).toHaveLength(2);
    expect(running.health()[0].lastError).toContain('500');
  });

  it('stops cleanly while waiting out a long Retry-After', async () => {
    standIn.add(mail(1));
    standIn.failNext(() => true, 1, 429, 600);
    const running = start(mailbox());
    await waitFor(() => standIn.requests.some((r) => r.status === 429), 5_000, 'throttled');
    const stopping = Date.now();
    await running.stop();
    ingest = undefined;
    expect(Date.now() - stopping).toBeLessThan(500);
  });
});

describe('Microsoft Graph options', () => {
  const base = {
    inboxMethod: 'microsoft_graph',
    inboxOptions: { tenant_id: 't', client_id: 'c', client_secret: 's' },
  } as unknown as MailboxConfig;

  it("uses mail_room's defaults, and 60 s for a poll_interval that is not positive", () => {
    expect(graphOptions(base)).toEqual({
      tenantId: 't',
      clientId: 'c',
      clientSecret: 's',
      pollIntervalMs: 60_000,
      azureAdEndpoint: 'https://login.microsoftonline.com',
      graphEndpoint: 'https://graph.microsoft.com',
    });
    expect(graphOptions({ ...base, inboxOptions: { ...base.inboxOptions, poll_interval: -5 } }).pollIntervalMs).toBe(
      60_000,
    );
    expect(graphOptions({ ...base, inboxOptions: { ...base.inboxOptions, poll_interval: 30 } }).pollIntervalMs).toBe(
      30_000,
    );
  });

  it('refuses to start without the client credentials', () => {
    const config = {
      ...base,
      enabled: true,
      user: 'incoming@example.com',
      inboxOptions: { tenant_id: 't' },
    } as MailboxConfig;
    expect(() => startIngest({ incoming: config, spool: {} as never, logger })).toThrow(
      /inbox_options.client_id is required/,
    );
  });
});

function mail(n: number): Buffer {
  return Buffer.from(
    [
      'Return-Path: <jake@example.com>',
      'From: Jake <jake@example.com>',
      'To: incoming+gitlabhq-gitlabhq-project_id-issue-@postroom.test',
      `Subject: message ${n}`,
      `Message-ID: <g${n}@postroom.test>`,
      '',
      `Body ${n}.`,
      '',
    ].join('\r\n'),
  );
}

function messageIdOf(raw: Buffer): string {
  return /^Message-ID: (.*)$/m.exec(raw.toString())![1].trim();
}
