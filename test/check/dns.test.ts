import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDns } from '../../src/check/dns.js';
import { parseConfigText } from '../../src/config/index.js';
import { dnsmasqAvailable, startDns, startSilentDns, type TestDns } from '../helpers/dns.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';
import { authConfigText } from '../helpers/senderAuth.js';

const { dir, cleanup } = tempDir();

describe.skipIf(!dnsmasqAvailable)('postroom check: the DNS sender authentication asks', () => {
  let dns: TestDns;
  let silent: TestDns;
  beforeAll(async () => {
    dns = await startDns({ 'postroom.test': 'v=spf1 -all' });
    silent = await startSilentDns();
  });
  afterAll(async () => {
    await dns?.stop();
    await silent?.stop();
    cleanup();
  });

  it('is ok when the configured server answers, even "no such name"', async () => {
    const result = await checkDns(parseConfigText(authConfigText(dir, dns.server), 'test.yml', {}));
    expect(result).toEqual({
      status: 'ok',
      name: 'sender auth dns',
      detail: `${dns.server} answers (TXT _dmarc.postroom.test)`,
    });
  });

  it('fails, saying results would be temperror, when the server does not answer', async () => {
    const result = await checkDns(parseConfigText(authConfigText(dir, silent.server), 'test.yml', {}));
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('would be temperror') });
  });

  it('is skipped with sender_auth off', async () => {
    const result = await checkDns(parseConfigText(testConfigText(dir), 'test.yml', {}));
    expect(result.status).toBe('skip');
  });
});
