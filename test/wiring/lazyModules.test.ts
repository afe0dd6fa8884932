// A serving process carries only the libraries its configuration uses (issue 9, item 4: each
// costs memory in every thread that loads it). mailauth with its DNS, X.509 and HTTP clients is
// several MiB of heap; the CLI's other commands bring IMAP and the relay check.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, testConfigText } from '../helpers/postroom.js';

const run = promisify(execFile);
const built = (module: string) => pathToFileURL(path.resolve(`dist/src/${module}.js`)).href;
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Starts Postroom as `serve` does, in a fresh process; answers the packages its main thread loaded. */
async function packagesLoadedBy(senderAuth: boolean): Promise<string[]> {
  const made = tempDir();
  cleanup = made.cleanup;
  const file = path.join(made.dir, 'postroom.yml');
  writeFileSync(file, `${testConfigText(made.dir)}sender_auth:\n  enabled: ${senderAuth}\n`);
  const script = `
    import { createRequire } from 'node:module';
    import '${built('cli/commands')}';
    import { loadConfig } from '${built('config/index')}';
    import { createLogger } from '${built('log/logger')}';
    import { startPostroom } from '${built('wiring/postroom')}';
    const running = await startPostroom(loadConfig(${JSON.stringify(file)}), createLogger('silent'), {
      certDir: ${JSON.stringify(path.join(made.dir, 'certs'))},
    });
    const packages = new Set(Object.keys(createRequire(import.meta.url).cache)
      .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean));
    await running.stop();
    console.log(JSON.stringify([...packages]));
  `;
  const scriptFile = path.join(made.dir, 'serve.mjs');
  writeFileSync(scriptFile, script);
  const { stdout } = await run(process.execPath, [scriptFile]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
}

describe('a serving process', () => {
  it('loads neither mailauth nor IMAP when sender_auth is off and no mailbox is polled', async () => {
    const packages = await packagesLoadedBy(false);
    expect(packages).toContain('better-sqlite3');
    expect(packages).not.toContain('mailauth');
    expect(packages).not.toContain('imapflow');
  });

  it('loads mailauth once sender_auth is on, its checks without BIMI’s certificate and HTTP code', async () => {
    const packages = await packagesLoadedBy(true);
    expect(packages).toContain('mailauth');
    expect(packages.filter((name) => ['@postalsys/vmc', 'undici', 'fast-xml-parser'].includes(name))).toEqual([]);
  });
});
