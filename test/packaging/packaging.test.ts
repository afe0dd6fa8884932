import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/postroom.js';

const run = promisify(execFile);
const { dir, cleanup } = tempDir('postroom-pack-');
const prefix = path.join(dir, 'prefix');
const installed = path.join(prefix, 'lib', 'node_modules', 'postroom');
const command = path.join(prefix, 'bin', 'postroom');
const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
let tarballFiles: string[];

beforeAll(async () => {
  // `npm test` has just built dist/ (pretest); packing without scripts keeps this test from
  // rebuilding it under the feet of the tests running beside it.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarballFiles = packed.files.map((file) => file.path);
  await run('npm', [
    'install',
    '--global',
    '--prefix',
    prefix,
    path.join(dir, packed.filename),
    '--prefer-offline',
    '--omit=dev',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
  ]);
  // The one install step skipped: better-sqlite3's addon, compiled by this checkout's npm ci for
  // the same pinned version and Node (compiling it again takes minutes). See packaging/README.md.
  const require = createRequire(import.meta.url);
  const ours = path.dirname(require.resolve('better-sqlite3/package.json'));
  const theirs = path.join(installed, 'node_modules', 'better-sqlite3');
  const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  expect(version(path.join(theirs, 'package.json'))).toBe(version(path.join(ours, 'package.json')));
  mkdirSync(path.join(theirs, 'build', 'Release'), { recursive: true });
  copyFileSync(
    path.join(ours, 'build', 'Release', 'better_sqlite3.node'),
    path.join(theirs, 'build', 'Release', 'better_sqlite3.node'),
  );
}, 120_000);
afterAll(() => cleanup());

describe('npm pack, then a global install of the tarball', () => {
  it('ships the built command, the configs and the docs, and not the sources or tests', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'dist/src/cli/main.js',
        'config/postroom.yml',
        'config/examples/gmail.yml',
        'docs/postfix.md',
        'packaging/postroom.service',
        'README.md',
        'package.json',
      ]),
    );
    expect(tarballFiles.filter((file) => /^(src|test|bench)\//.test(file) || file.endsWith('.ts'))).toEqual([]);
  });

  it('gives a working postroom command: --help, seed and check on the shipped sample config', async () => {
    const help = await run(command, ['--help']);
    expect(help.stdout).toMatch(/^usage: postroom <command> \[options\]\n\ncommands:\n {2}serve /);

    const cwd = mkdtempSync(path.join(dir, 'run-'));
    const config = path.join(installed, 'config', 'postroom.yml');
    const env = { ...process.env, POSTROOM__SMTP__LISTEN: '127.0.0.1:0' };
    const seeded = await run(command, ['seed', '--config', config], { cwd, env });
    expect(seeded.stdout).toContain(`tracker   ${path.join(cwd, 'data', 'tracker.db')}`);
    const checked = await run(command, ['check', '--config', config], { cwd, env });
    expect(checked.stdout).toContain(`ok   config: ${config} is valid\n`);
    expect(checked.stdout).toContain(`ok   tracker: ${path.join(cwd, 'data', 'tracker.db')} opens; 1 project(s)\n`);
    expect(checked.stdout).not.toMatch(/^FAIL/m);
  });
});

describe.skipIf(!systemdAnalyze)('packaging/postroom.service', () => {
  it('passes systemd-analyze verify, with ExecStart pointing at the installed command', async () => {
    const unit = readFileSync('packaging/postroom.service', 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/bin/postroom serve --config /etc/postroom/postroom.yml\n');
    const copy = path.join(dir, 'postroom.service');
    writeFileSync(copy, unit.replace('/usr/local/bin/postroom', command));
    const verified = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect({ status: verified.status, output: `${verified.stdout}${verified.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('is the kind of file systemd-analyze refuses when it is wrong', () => {
    const broken = path.join(dir, 'broken.service');
    writeFileSync(broken, '[Service]\nExecStart=/nonexistent/postroom serve\n');
    expect(spawnSync('systemd-analyze', ['verify', broken], { encoding: 'utf8' }).status).not.toBe(0);
  });
});
