import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import type { Project, User } from '../../src/handlers/sink.js';
import { openTracker, type Tracker } from '../../src/tracker/index.js';
import { startPostroom, type RunningPostroom } from '../../src/wiring/postroom.js';
import { startCaptureRelay, type CaptureRelay, type CapturedMail } from '../helpers/captureRelay.js';
import { tempDir } from '../helpers/postroom.js';
import { waitFor } from '../helpers/waitFor.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
// Links in mail point here (a proxy's name in production); the test sends the browser to the real port.
const BASE_URL = 'http://console.postroom.test';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let running: RunningPostroom;
let relay: CaptureRelay;
let tracker: Tracker;
let browser: BrowserContext;
let origin: string;
let project: Project;
let vault: Project;
let jake: User;
let jakeToken: string;
const cleanups: (() => unknown)[] = [];

function unwrap<T>(saved: { saved: true; record: T } | { saved: false; errors: string[] }): T {
  if (!saved.saved) throw new Error(saved.errors.join(', '));
  return saved.record;
}

const send = (mail: nodemailer.SendMailOptions) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: running.smtp?.port, tls: { rejectUnauthorized: false } })
    .sendMail(mail);

const routed = (id: number) => !['queued', 'processing', 'retry'].includes(running.spool.get(id)?.state ?? 'queued');

describe.skipIf(!existsSync(CHROMIUM))('the console in a real browser (Debian chromium)', () => {
  beforeAll(async () => {
    const { dir, cleanup } = tempDir('postroom-browser-');
    cleanups.push(cleanup);
    relay = await startCaptureRelay();
    cleanups.push(() => relay.close());
    const config = parseConfigText(
      `host: postroom.test
incoming_email: { enabled: true, address: "incoming+%{key}@postroom.test" }
service_desk_email: { enabled: true, address: "contact+%{key}@postroom.test" }
smtp: { listen: "127.0.0.1:0", hostname: postroom.test }
store: { path: ${path.join(dir, 'spool.db')} }
tracker: { path: ${path.join(dir, 'tracker.db')} }
outgoing: { host: 127.0.0.1, port: ${relay.port}, start_tls: never, from: { address: gitlab@postroom.test }, base_url: "${BASE_URL}" }
http: { enabled: true, listen: "127.0.0.1:0", token: ${TOKEN} }
worker: { retry_base: 1s }
log: { level: silent }
`,
      'browser.yml',
      {},
    );
    tracker = openTracker(config.tracker.path, { repositoriesDir: path.join(dir, 'repositories') });
    cleanups.push(() => tracker.close());
    jake = unwrap(tracker.createUser({ username: 'jake', email: 'jake@example.com', name: 'Jake' }));
    const finn = unwrap(tracker.createUser({ username: 'finn', email: 'finn@example.com', name: 'Finn' }));
    project = unwrap(await tracker.createProject({ fullPath: 'treehouse/adventure', visibility: 'public' }));
    vault = unwrap(await tracker.createProject({ fullPath: 'treehouse/vault', visibility: 'private' }));
    tracker.addMember(project, jake, 'developer');
    tracker.addMember(project, finn, 'developer');
    jakeToken = tracker.incomingEmailToken(jake) as string;
    running = await startPostroom(config, pino({ level: 'silent' }), { certDir: path.join(dir, 'certs') });
    cleanups.push(() => running.stop());
    origin = `http://127.0.0.1:${running.http?.port}`;
    const profile = mkdtempSync(path.join(os.tmpdir(), 'postroom-chromium-'));
    cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
    cleanups.push(() => browser.close());
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function signIn(page: Page) {
    await page.goto(`${origin}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('text=Sign in >> nth=-1');
    await page.waitForURL(`${origin}/`);
    expect(await page.textContent('h1')).toBe('Dashboard');
  }

  it('reports the running routing thread in /health and /readiness', async () => {
    const health = (await (await fetch(`${origin}/health`)).json()) as { routing: unknown; status: string };
    expect(health).toMatchObject({ status: 'ok', routing: { running: true, restarts: 0 } });
    expect(await (await fetch(`${origin}/readiness`)).text()).toBe('OK\n');
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toContain('postroom_routing_running 1');
  });

  it('signs in, sees the served certificate, finds a message sent with nodemailer and opens its trace', async () => {
    await send({
      from: 'Jake <jake@example.com>',
      to: `incoming+treehouse-adventure-${project.id}-${jakeToken}-issue@postroom.test`,
      subject: 'The ice king stole the princess',
      text: 'We need to get her back before sunset.\n',
      messageId: '<browser-issue@example.com>',
    });
    await waitFor(() => routed(1), 15_000, 'the mail was routed');
    const page = await browser.newPage();
    await signIn(page);
    // The dashboard says which certificate STARTTLS serves, and until when.
    expect(await page.innerText('dt:text("TLS certificate") + dd')).toMatch(
      /^CN=postroom\.test, valid until .+ \(\d+ days\), read /,
    );
    await page.click('nav >> text=Messages');
    await page.fill('input[name="q"]', '<browser-issue@example.com>');
    await page.click('button:has-text("Filter")');
    await page.click('text=The ice king stole the princess');
    expect(await page.textContent('h1')).toBe('The ice king stole the princess');
    const trace = await page.textContent('ol.timeline');
    expect(trace).toContain('claimed');
    expect(trace).toContain('done');
    expect(await page.textContent('main')).toContain('We need to get her back before sunset.');
    await page.close();
  });

  it('replays a rejected message once its cause is fixed, and sees it done', async () => {
    // Jake is no member of the private vault: his new issue there is refused by the tracker.
    await send({
      from: 'jake@example.com',
      to: `incoming+treehouse-vault-${vault.id}-${jakeToken}-issue@postroom.test`,
      subject: 'Open the vault',
      text: 'Please.\n',
      messageId: '<browser-vault@example.com>',
    });
    await waitFor(() => routed(2), 15_000, 'the vault mail was routed');
    expect(running.spool.get(2)?.state).toBe('rejected');
    tracker.addMember(vault, jake, 'developer');
    const page = await browser.newPage();
    await page.goto(`${origin}/dead`);
    await page.check('input[name="id"][value="2"]');
    await page.click('text=Replay selected');
    // One message replayed: the browser lands on its page.
    await page.waitForURL(`${origin}/messages/2`);
    await waitFor(() => running.spool.get(2)?.state === 'done', 15_000, 'the replay was routed');
    await page.reload();
    expect(await page.textContent('dd .state')).toBe('done');
    expect(await page.textContent('ol.timeline')).toContain('replay');
    await page.close();
    // Two messages, one recipient each: two 250s at RCPT TO and two at the end of DATA.
    expect(await (await fetch(`${origin}/metrics`)).text()).toContain('postroom_smtp_verdicts_total{code="250"} 4');
  });

  it('follows every URL in a notification to a page that answers 200 with the right content', async () => {
    await waitFor(
      () => relay.messages.some((m) => m.envelope.to.includes('finn@example.com')),
      15_000,
      "Finn's notification",
    );
    const mail = relay.messages.find((m) => m.envelope.to.includes('finn@example.com')) as CapturedMail;
    expect(mail.header('subject')).toContain('The ice king stole the princess');
    const urls = new Set<string>();
    for (const found of mail.text.matchAll(/https?:\/\/[^\s<>]+/g)) urls.add(found[0]);
    for (const found of (mail.header('list-unsubscribe') ?? '').matchAll(/<(https?:[^>]+)>/g)) urls.add(found[1]);
    expect(urls.size).toBeGreaterThanOrEqual(2);
    const context = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    cleanups.push(() => context.close());
    const anonymous = await context.newPage();
    for (const url of urls) {
      expect(url.startsWith(BASE_URL)).toBe(true);
      const response = await anonymous.goto(origin + url.slice(BASE_URL.length));
      expect(response?.status(), url).toBe(200);
      const body = (await anonymous.textContent('main')) ?? '';
      if (url.includes('/unsubscribe')) expect(body).toContain('Stop mail to finn@example.com');
      else expect(body).toContain('The ice king stole the princess');
    }
    // The message that opened the issue lists the notification it caused, from the outbox.
    const operator = await browser.newPage();
    await operator.goto(`${origin}/messages/1`);
    expect(await operator.textContent('main')).toContain('finn@example.com');
    await operator.goto(`${origin}/outbox?state=sent`);
    expect(await operator.textContent('main')).toContain('The ice king stole the princess');
    await operator.close();
    // The unsubscribe page's button works without a session.
    const unsubscribe = [...urls].find((url) => url.includes('/unsubscribe')) as string;
    await anonymous.goto(origin + unsubscribe.slice(BASE_URL.length));
    await anonymous.click('button:has-text("Unsubscribe")');
    expect(await anonymous.textContent('h1')).toBe('Unsubscribed');
  });
});
