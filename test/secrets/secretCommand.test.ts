import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandArgs, type ParsedArgs } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { secret } from '../../src/cli/secret.js';
import { loadConfig } from '../../src/config/index.js';
import { SECRETS_KEY_ENV } from '../../src/secrets/index.js';
import { tempDir } from '../helpers/postroom.js';

let dir: string;
let cleanup: () => void;
let configFile: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  configFile = path.join(dir, 'postroom.yml');
  writeFileSync(
    configFile,
    `incoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\nstore:\n  path: ${path.join(dir, 'data', 'spool.db')}\n`,
  );
});
afterEach(() => cleanup());

/** Runs `postroom secret ...` in-process against real files; the editor, when used, is a real child process. */
async function run(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  let exitCode = 0;
  await secret(parseCommandArgs(COMMANDS.secret, [...argv, '--config', configFile]) as ParsedArgs, {
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    stdout,
    stderr,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exitCode };
}

/** An $EDITOR that rewrites the password line in place, as a person would. */
function editorScript(body: string): string {
  const script = path.join(dir, 'editor.sh');
  writeFileSync(script, `#!/bin/sh\n${body}\n`, { mode: 0o700 });
  return script;
}

const keyFile = () => path.join(dir, 'data', 'secrets', 'key');
const encryptedFile = () => path.join(dir, 'data', 'secrets', 'incoming_email.yaml.enc');

describe('postroom secret', () => {
  it('writes from stdin, creating the key, then shows the same YAML and feeds the config', async () => {
    const yaml = 'user: gitlab-incoming@example.com\npassword: "correct horse"\n';
    const written = await run(['write', 'incoming_email'], { stdin: yaml });
    expect(written.exitCode).toBe(0);
    expect(written.stderr).toContain(`created the secrets key ${keyFile()}`);
    expect(written.stderr).toContain(`stored the incoming_email credentials encrypted in ${encryptedFile()}`);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(statSync(encryptedFile()).mode & 0o777).toBe(0o600);

    expect(await run(['show', 'incoming_email'])).toEqual({ stdout: yaml, stderr: '', exitCode: 0 });
    expect(loadConfig(configFile, {}).incomingEmail).toMatchObject({
      user: 'gitlab-incoming@example.com',
      password: 'correct horse',
    });
  });

  it('refuses credentials it could not read back, and writes nothing', async () => {
    const result = await run(['write', 'incoming_email'], { stdin: 'user: a\npassword: 0123\n' });
    expect(result).toMatchObject({
      exitCode: 1,
      stderr: 'postroom secret: stdin: password: must be a string (put it in quotes)\n',
    });
    expect(existsSync(encryptedFile())).toBe(false);
  });

  it('shows a clear error, not garbage, with the wrong key', async () => {
    await run(['write', 'incoming_email'], { stdin: 'user: a\npassword: b\n' });
    const result = await run(['show', 'incoming_email'], {
      env: { [SECRETS_KEY_ENV]: randomBytes(32).toString('base64') },
    });
    expect(result).toEqual({
      stdout: '',
      stderr: `postroom secret: cannot decrypt ${encryptedFile()}: wrong key or damaged file\n`,
      exitCode: 1,
    });
  });

  it('still works when the config would not load its encrypted credentials', async () => {
    await run(['write', 'incoming_email'], { stdin: 'user: a\npassword: b\n' });
    const wrongKey = { [SECRETS_KEY_ENV]: randomBytes(32).toString('base64') };
    expect(() => loadConfig(configFile, wrongKey)).toThrow(/wrong key or damaged file/);
    expect((await run(['write', 'incoming_email'], { stdin: 'user: a\npassword: c\n', env: wrongKey })).exitCode).toBe(
      0,
    );
    expect(loadConfig(configFile, wrongKey).incomingEmail.password).toBe('c');
  });

  it('edits through $EDITOR and removes the plaintext afterwards', async () => {
    await run(['write', 'incoming_email'], { stdin: 'user: a\npassword: old\n' });
    const before = new Set(readdirSync(os.tmpdir()).filter((name) => name.startsWith('postroom-secret-')));
    const editor = editorScript('sed -i "s/old/new/" "$1"');
    const result = await run(['edit', 'incoming_email'], { env: { EDITOR: editor } });
    expect(result.exitCode).toBe(0);
    expect((await run(['show', 'incoming_email'])).stdout).toBe('user: a\npassword: new\n');
    const after = readdirSync(os.tmpdir()).filter((name) => name.startsWith('postroom-secret-') && !before.has(name));
    expect(after).toEqual([]);
  });

  it('starts a new file from a template and saves nothing when the editor fails', async () => {
    const failing = await run(['edit', 'incoming_email'], { env: { EDITOR: editorScript('exit 3') } });
    expect(failing).toMatchObject({
      exitCode: 1,
      stderr: 'postroom secret: the editor exited with status 3; nothing saved\n',
    });
    expect(existsSync(encryptedFile())).toBe(false);

    const filling = editorScript(`printf 'user: "u"\\npassword: "p"\\n' > "$1"`);
    expect((await run(['edit', 'incoming_email'], { env: { EDITOR: filling } })).exitCode).toBe(0);
    expect(loadConfig(configFile, {}).incomingEmail).toMatchObject({ user: 'u', password: 'p' });
  });

  it('answers a wrong call with the usage text', async () => {
    for (const argv of [[], ['read', 'incoming_email'], ['show'], ['show', 'gitlab']]) {
      const result = await run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(64);
      expect(result.stderr).toMatch(/^usage: postroom secret write\|show\|edit/);
    }
  });

  it('says when there is nothing to show', async () => {
    expect(await run(['show', 'service_desk_email'])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(
        /no encrypted credentials for service_desk_email at .*service_desk_email\.yaml\.enc/,
      ),
    });
  });
});
