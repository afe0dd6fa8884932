import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type PostroomConfig } from '../../src/config/index.js';
import { checkAddresses } from '../../src/check/addresses.js';
import { checkCertificate, checkListener } from '../../src/check/listener.js';
import { checkMailbox } from '../../src/check/mailbox.js';
import { checkGitlabSink } from '../../src/check/gitlab.js';
import { readMailroomSecret } from '../../src/gitlab/index.js';
import { selfSignedPair } from '../helpers/certificate.js';
import { writeMailroomSecret } from '../helpers/mailroomSecret.js';
import { createDovecot, dovecotBinary, type PrivateDovecot } from '../helpers/dovecot.js';
import { answerLikeGitlab, startFakeGitlab, type FakeGitlab } from '../helpers/fakeGitlab.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

function config(text = testConfigText(dir)): PostroomConfig {
  return parseConfigText(text, 'test.yml', {});
}

describe('postroom check', () => {
  it('warns when the address leaves fewer than 33 characters for keys, or shares the instance domain', () => {
    const long = config(
      testConfigText(dir).replace('incoming+%{key}@postroom.test', `${'x'.repeat(40)}+%{key}@postroom.test`),
    );
    const results = checkAddresses(long);
    expect(results.find((r) => r.name === 'incoming_email address')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('leaves 23 characters'),
    });
    expect(results.find((r) => r.name === 'incoming_email domain')).toMatchObject({ status: 'warn' });
    const dedicated = config(testConfigText(dir).replace('host: postroom.test', 'host: gitlab.example.com'));
    expect(checkAddresses(dedicated).filter((r) => r.status !== 'ok')).toEqual([]);
  });

  it('reports a port in use and a free one', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    const taken = config();
    taken.smtp.port = port;
    expect(await checkListener(taken)).toMatchObject({ status: 'warn', detail: expect.stringContaining('is in use') });
    busy.close();
    expect(await checkListener(config())).toMatchObject({ status: 'ok' });
  });

  it('checks that the certificate names smtp.hostname', () => {
    const certFor = (cn: string) => selfSignedPair(dir, cn, { altNames: [`DNS:${cn}`], days: 30 });
    const c = config();
    c.smtp.tls = { ...certFor('postroom.test'), reloadCheckMs: 60_000 };
    expect(checkCertificate(c)).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('names postroom.test, valid for 29 more days'),
    });
    c.smtp.tls = { ...certFor('other.test'), reloadCheckMs: 60_000 };
    expect(checkCertificate(c)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('does not name postroom.test'),
    });
  });

  describe('GitLab sink', () => {
    let gitlab: FakeGitlab;
    let secretFile: string;
    beforeAll(async () => {
      secretFile = path.join(dir, 'secret');
      writeMailroomSecret(secretFile);
      gitlab = await startFakeGitlab(answerLikeGitlab(readMailroomSecret(secretFile)));
    });
    afterAll(() => gitlab.close());

    it('accepts the right secret and names a wrong one', async () => {
      const c = config();
      c.sink = 'gitlab';
      c.incomingEmail.gitlabUrl = gitlab.url;
      c.incomingEmail.secretFile = secretFile;
      expect(await checkGitlabSink(c, 'incoming_email', c.incomingEmail)).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining('accepted the secret (200)'),
      });
      const wrong = path.join(dir, 'wrong-secret');
      writeMailroomSecret(wrong);
      c.incomingEmail.secretFile = wrong;
      expect(await checkGitlabSink(c, 'incoming_email', c.incomingEmail)).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('wrong secret'),
      });
    });
  });

  describe.skipIf(!dovecotBinary)('IMAP login against a real Dovecot', () => {
    let dovecot: PrivateDovecot;
    beforeAll(async () => {
      // Dovecot's auth process runs as its own user and must reach the passwd file.
      chmodSync(dir, 0o755);
      dovecot = await createDovecot(path.join(dir, 'dovecot'));
      await dovecot.start();
    });
    afterAll(() => dovecot.stop());

    it('logs in with the right password and reports a wrong one', async () => {
      const c = config();
      const mailbox = {
        ...c.incomingEmail,
        host: dovecot.host,
        port: dovecot.port,
        user: dovecot.user.user,
        password: dovecot.user.password,
        mailbox: 'INBOX',
      };
      expect(await checkMailbox('incoming_email', mailbox)).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining(`as ${dovecot.user.user}`),
      });
      expect(await checkMailbox('incoming_email', { ...mailbox, password: 'nope' })).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('login refused: wrong user or password'),
      });
    });
  });

  it('exits 0 when nothing fails and 1 with a config problem, one line per check', async () => {
    const good = path.join(dir, 'good.yml');
    writeFileSync(good, testConfigText(dir));
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/src/cli/main.js', 'check', '--config', good]);
    expect(stdout.split('\n')[0]).toBe(`ok   config: ${good} is valid`);
    expect(stdout).toMatch(/^ok {3}smtp listener: /m);
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, 'smtp:\n  listen: nowhere\n');
    const failed = await promisify(execFile)(process.execPath, [
      'dist/src/cli/main.js',
      'check',
      '--config',
      bad,
    ]).catch((e: { code: number; stdout: string }) => e);
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringContaining('FAIL config:') });
  });
});
