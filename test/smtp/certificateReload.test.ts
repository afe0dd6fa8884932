// A renewed certificate is served without a restart: on SIGHUP (systemd's reload) and when the files
// change; a pair that is not whole and matching is refused and the one served until then stays.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateKeeper, type TlsPair } from '../../src/smtp/certificateReload.js';
import { createLogger } from '../../src/log/logger.js';
import { selfSignedPair, type CertificatePair } from '../helpers/certificate.js';
import { startChildPostroom, type ChildPostroom } from '../helpers/childPostroom.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';
import { waitFor } from '../helpers/waitFor.js';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

const silent = createLogger('silent');
/** What the front was built with: the files, and the pair read from them. */
const loaded = (pair: CertificatePair) => ({
  keyFile: pair.key,
  certFile: pair.cert,
  key: readFileSync(pair.key),
  cert: readFileSync(pair.cert),
});
const fingerprintOf = (pair: CertificatePair) => new X509Certificate(readFileSync(pair.cert)).fingerprint256;

/** Puts a pair where the served one lives the way a renewal does: each file replaced whole. */
function install(from: CertificatePair, to: CertificatePair): void {
  for (const [source, target] of [
    [from.key, to.key],
    [from.cert, to.cert],
  ]) {
    copyFileSync(source, `${target}.new`);
    renameSync(`${target}.new`, target);
  }
}

/** The fingerprint of the certificate a new STARTTLS session is given. */
async function servedFingerprint(port: number): Promise<string> {
  const { talk } = await greet(port);
  expect((await talk.command('STARTTLS')).code).toBe(220);
  await talk.startTls('postroom.test');
  const fingerprint = talk.peerCertificate().fingerprint256;
  talk.close();
  return fingerprint;
}

describe('the certificate keeper', () => {
  const live = selfSignedPair(path.join(dir, 'keeper'), 'live');

  it('serves a new matching pair, and refuses one whose key is not the certificate’s', () => {
    const served: TlsPair[] = [];
    const keeper = new CertificateKeeper(loaded(live), (pair) => served.push(pair), silent);
    const first = keeper.status().fingerprint256;
    expect(first).toBe(fingerprintOf(live));

    const renewed = selfSignedPair(path.join(dir, 'keeper'), 'renewed');
    install(renewed, live);
    expect(keeper.reload('test')).toBe(true);
    expect(served).toHaveLength(1);
    expect(keeper.status().fingerprint256).toBe(fingerprintOf(renewed));
    expect(keeper.status().reloadError).toBeUndefined();

    // A key renewed without its certificate (or the other way round) must not reach TLS.
    const other = selfSignedPair(path.join(dir, 'keeper'), 'other');
    copyFileSync(other.key, live.key);
    expect(keeper.reload('test')).toBe(false);
    expect(served).toHaveLength(1);
    expect(keeper.status()).toMatchObject({
      fingerprint256: fingerprintOf(renewed),
      reloadError: expect.stringMatching(/key values mismatch/),
    });
  });

  it('answers a pair the server will not take with a refusal, never an exception (it runs from a signal handler)', () => {
    const pair = selfSignedPair(path.join(dir, 'keeper'), 'refused-by-server');
    const keeper = new CertificateKeeper(
      loaded(pair),
      () => {
        throw new Error('no context for you');
      },
      silent,
    );
    expect(keeper.reload('SIGHUP')).toBe(false);
    expect(keeper.status()).toMatchObject({ fingerprint256: fingerprintOf(pair), reloadError: 'no context for you' });
  });

  it('reads the files again only when they changed, and refuses a certificate caught half-written', () => {
    const pair = selfSignedPair(path.join(dir, 'keeper'), 'changing');
    const served: TlsPair[] = [];
    const keeper = new CertificateKeeper(loaded(pair), (p) => served.push(p), silent);
    expect(keeper.reloadIfChanged()).toBe(false);

    const next = selfSignedPair(path.join(dir, 'keeper'), 'next');
    copyFileSync(next.key, pair.key);
    const pem = readFileSync(next.cert, 'utf8');
    writeFileSync(pair.cert, pem.slice(0, pem.length / 2));
    expect(keeper.reloadIfChanged()).toBe(false);
    expect(keeper.status().reloadError).toBeDefined();
    expect(keeper.reloadIfChanged()).toBe(false);
    expect(served).toHaveLength(0);

    writeFileSync(pair.cert, pem);
    expect(keeper.reloadIfChanged()).toBe(true);
    expect(keeper.status().fingerprint256).toBe(fingerprintOf(next));
    expect(keeper.status().reloadError).toBeUndefined();
  });
});

describe('a running server', () => {
  async function serve(name: string, reloadCheck: string): Promise<{ server: ChildPostroom; live: CertificatePair }> {
    const folder = path.join(dir, name);
    const live = selfSignedPair(folder, 'live', { altNames: ['DNS:postroom.test'] });
    const config = testConfigText(
      folder,
      `  tls: { key: ${live.key}, cert: ${live.cert}, reload_check: ${reloadCheck} }`,
    ).replace('level: silent', 'level: info');
    return { server: await startChildPostroom(config, folder), live };
  }

  it('serves a renewed certificate after SIGHUP, and goes on running', async () => {
    const { server, live } = await serve('hangup', '1h');
    try {
      expect(await servedFingerprint(server.port)).toBe(fingerprintOf(live));
      const renewed = selfSignedPair(path.join(dir, 'hangup'), 'renewed', { altNames: ['DNS:postroom.test'] });
      install(renewed, live);
      // Not before the signal: the next look at the files is an hour away.
      expect(await servedFingerprint(server.port)).not.toBe(fingerprintOf(renewed));
      server.child.kill('SIGHUP');
      await waitFor(() => server.logs.some((l) => l.msg === 'TLS certificate reloaded'), 10_000, 'the reload');
      expect(await servedFingerprint(server.port)).toBe(fingerprintOf(renewed));
      expect(server.child.exitCode).toBeNull();
      expect(server.logs.find((l) => l.msg === 'TLS certificate reloaded')).toMatchObject({ trigger: 'SIGHUP' });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('serves a renewed certificate once the files change, and keeps the old one for a pair that does not match', async () => {
    const { server, live } = await serve('watched', '200ms');
    try {
      const renewed = selfSignedPair(path.join(dir, 'watched'), 'renewed', { altNames: ['DNS:postroom.test'] });
      install(renewed, live);
      await waitFor(() => server.logs.some((l) => l.msg === 'TLS certificate reloaded'), 10_000, 'the reload');
      expect(await servedFingerprint(server.port)).toBe(fingerprintOf(renewed));

      const stray = selfSignedPair(path.join(dir, 'watched'), 'stray');
      copyFileSync(stray.key, `${live.key}.new`);
      renameSync(`${live.key}.new`, live.key);
      await waitFor(
        () => server.logs.some((l) => l.msg?.toString().startsWith('TLS certificate not reloaded')),
        10_000,
        'the refusal',
      );
      expect(await servedFingerprint(server.port)).toBe(fingerprintOf(renewed));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
