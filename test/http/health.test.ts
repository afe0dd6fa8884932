import { afterEach, describe, expect, it } from 'vitest';
import type { PollerHealth } from '../../src/ingest/index.js';
import { copyFileSync, readFileSync } from 'node:fs';
import type { HealthReport } from '../../src/http/health.js';
import { createLogger } from '../../src/log/logger.js';
import { CertificateKeeper } from '../../src/smtp/certificateReload.js';
import { selfSignedPair } from '../helpers/certificate.js';
import { tempDir } from '../helpers/postroom.js';
import { startHttpWorld, type HttpWorld } from './httpWorld.js';

const silent = createLogger('silent');

let world: HttpWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;
const poller = (extra: Partial<PollerHealth>): PollerHealth => ({
  mailbox: 'incoming',
  method: 'imap',
  connected: true,
  lastSuccessAt: NOW - MINUTE,
  failedStores: 0,
  reconnects: 0,
  ...extra,
});

async function storeOne(target: HttpWorld): Promise<void> {
  await target.spool.store({
    source: 'smtp',
    sessionId: 's1',
    tls: false,
    mailFrom: 'a@example.com',
    recipients: ['incoming+k@postroom.test'],
    receivedAt: NOW,
    chunks: [Buffer.from('Subject: x\r\n\r\nbody\r\n')],
    size: 21,
  });
}

describe('/health and /liveness', () => {
  it('answer 200 with the spool by state and each poller', async () => {
    world = await startHttpWorld({ now: () => NOW });
    await storeOne(world);
    world.pollers = [poller({})];
    const answer = await world.call('GET', '/health', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: 'ok',
      problems: [],
      readinessProblems: [],
      spool: { queued: 1 },
      backlog: { waiting: 1, oldestDueAgeSeconds: 0 },
      routing: null,
      outbox: null,
      ingest: [{ ...poller({}), stuck: false }],
      tls: null,
    });
    const liveness = await world.call('GET', '/liveness', { token: null });
    expect([liveness.status, liveness.text]).toEqual([200, 'OK\n']);
  });

  it('answer 503 when a poller has been disconnected longer than unhealthy_after', async () => {
    world = await startHttpWorld({ now: () => NOW, unhealthyAfter: '5m' });
    world.pollers = [
      poller({
        mailbox: 'serviceDesk',
        connected: false,
        lastSuccessAt: NOW - 6 * MINUTE,
        lastError: 'ECONNREFUSED',
        reconnects: 7,
      }),
    ];
    const answer = await world.call('GET', '/health', { token: null });
    expect(answer.status).toBe(503);
    expect(answer.json.status).toBe('failing');
    expect(answer.json.problems).toEqual([
      'serviceDesk imap poller disconnected, no successful pass for 360s (last error: ECONNREFUSED)',
    ]);
    expect(answer.json.ingest[0].stuck).toBe(true);
    expect((await world.call('GET', '/liveness', { token: null })).status).toBe(503);
  });

  it("judge a poller that never succeeded from the server's start", async () => {
    let now = NOW;
    world = await startHttpWorld({ now: () => now, unhealthyAfter: '5m' });
    world.pollers = [poller({ connected: false, lastSuccessAt: undefined })];
    expect((await world.call('GET', '/health')).status).toBe(200);
    now += 5 * MINUTE + 1000;
    expect((await world.call('GET', '/health')).status).toBe(503);
  });

  it('answer 503 when the spool cannot be read', async () => {
    world = await startHttpWorld();
    await world.spool.close();
    const answer = await world.call('GET', '/health');
    expect(answer.status).toBe(503);
    expect(answer.json.spool).toBeNull();
    expect(answer.json.problems[0]).toMatch(/^spool unreadable: /);
  });
});

describe('/readiness', () => {
  it('answers 200 while due mail is younger than max_queue_age, 503 once it is older', async () => {
    let now = NOW;
    world = await startHttpWorld({ now: () => now, httpExtra: '  max_queue_age: 2m' });
    await storeOne(world);
    expect((await world.call('GET', '/readiness', { token: null })).text).toBe('OK\n');
    now += 3 * MINUTE;
    const answer = await world.call('GET', '/readiness', { token: null });
    expect(answer.status).toBe(503);
    expect(answer.text).toBe('the oldest due message has waited 180s (more than 120s)\n');
    const health = await world.call('GET', '/health', { token: null });
    expect([health.status, health.json.backlog]).toEqual([503, { waiting: 1, oldestDueAgeSeconds: 180 }]);
    // A backlog is not cured by a restart: liveness stays up.
    expect((await world.call('GET', '/liveness', { token: null })).status).toBe(200);
  });

  it('answers 503 while the routing thread is down, with its restarts', async () => {
    let routing = { running: true, restarts: 0 } as { running: boolean; restarts: number; lastError?: string };
    world = await startHttpWorld({ now: () => NOW, sources: { routing: () => routing } });
    expect((await world.call('GET', '/readiness')).status).toBe(200);
    routing = { running: false, restarts: 3, lastError: 'exited with code 1' };
    const answer = await world.call('GET', '/readiness');
    expect([answer.status, answer.text]).toEqual([
      503,
      'the routing thread is not running after 3 restarts (last error: exited with code 1)\n',
    ]);
    expect((await world.call('GET', '/health')).json.routing).toEqual(routing);
  });
});

describe('the served TLS certificate', () => {
  it('is in /health and /metrics with its end, and a refused renewal shows without failing health', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const live = selfSignedPair(dir, 'live', { days: 30 });
      const initial = {
        keyFile: live.key,
        certFile: live.cert,
        key: readFileSync(live.key),
        cert: readFileSync(live.cert),
      };
      const keeper = new CertificateKeeper(initial, () => undefined, silent);
      world = await startHttpWorld({ now: () => NOW, sources: { tls: () => keeper.status() } });
      const notAfter = keeper.status().notAfter;
      let health = (await world.call('GET', '/health', { token: null })).json as HealthReport;
      expect(health.tls).toMatchObject({ certFile: live.cert, subject: 'CN=live', notAfter });
      expect(health.tls?.daysLeft).toBe(Math.floor((notAfter - NOW) / 86_400_000));
      const metrics = async () => (await world!.call('GET', '/metrics', { token: null })).text.split('\n');
      expect(await metrics()).toEqual(
        expect.arrayContaining([
          `postroom_tls_certificate_expiry_timestamp_seconds ${notAfter / 1000}`,
          'postroom_tls_reload_failing 0',
        ]),
      );

      copyFileSync(selfSignedPair(dir, 'stray').key, live.key);
      expect(keeper.reload('test')).toBe(false);
      health = (await world.call('GET', '/health', { token: null })).json as HealthReport;
      expect(health.status).toBe('ok');
      expect(health.tls?.reloadError).toMatch(/key values mismatch/);
      expect(await metrics()).toContain('postroom_tls_reload_failing 1');
    } finally {
      cleanup();
    }
  });
});

describe('/metrics', () => {
  it('gives the backlog, its oldest age, routing restarts, SMTP verdicts by code and the outbox by state', async () => {
    world = await startHttpWorld({
      now: () => NOW + 90_000,
      sources: {
        routing: () => ({ running: true, restarts: 2 }),
        smtpReplies: () => ({ 250: 7, 550: 3 }),
        outbox: { countByState: () => ({ queued: 1, sent: 4 }), byState: () => [], causedBy: () => [] },
      },
    });
    await storeOne(world);
    const lines = (await world.call('GET', '/metrics', { token: null })).text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'postroom_backlog 1',
        'postroom_backlog_oldest_age_seconds 90',
        'postroom_ready 1',
        'postroom_routing_running 1',
        'postroom_routing_restarts_total 2',
        'postroom_smtp_verdicts_total{code="250"} 7',
        'postroom_smtp_verdicts_total{code="550"} 3',
        'postroom_outbox{state="queued"} 1',
        'postroom_outbox{state="sent"} 4',
      ]),
    );
  });

  it("gives messages by state, the spool counters and the pollers' counters in Prometheus text", async () => {
    world = await startHttpWorld({ now: () => NOW });
    await storeOne(world);
    world.pollers = [poller({ reconnects: 3, failedStores: 2 })];
    const answer = await world.call('GET', '/metrics', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = answer.text.split('\n');
    expect(lines).toContain('# TYPE postroom_messages gauge');
    expect(lines).toContain('postroom_messages{state="queued"} 1');
    expect(lines).toContain('postroom_messages{state="dead"} 0');
    expect(lines).toContain('# TYPE postroom_spool_commits_total counter');
    expect(lines).toContain('postroom_spool_commits_total 1');
    expect(lines).toContain('postroom_spool_stored_total 1');
    expect(lines).toContain('postroom_spool_failed_total 0');
    expect(lines).toContain('postroom_ingest_reconnects_total{mailbox="incoming",method="imap"} 3');
    expect(lines).toContain('postroom_ingest_failed_stores_total{mailbox="incoming",method="imap"} 2');
    expect(lines).toContain('postroom_ingest_connected{mailbox="incoming",method="imap"} 1');
    expect(lines).toContain(
      `postroom_ingest_last_success_timestamp_seconds{mailbox="incoming",method="imap"} ${(NOW - MINUTE) / 1000}`,
    );
  });

  it('still answers when the spool cannot be read, and says so', async () => {
    world = await startHttpWorld();
    await world.spool.close();
    const answer = await world.call('GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('postroom_spool_readable 0');
    expect(answer.text).not.toContain('postroom_messages{');
  });
});
