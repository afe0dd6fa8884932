import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli, storeTestMessage } from '../helpers/cli.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

const { dir, cleanup } = tempDir();
const configFile = path.join(dir, 'postroom.yml');
let storedId: number;

const postroom = (...args: string[]) => runCli(args);

beforeAll(async () => {
  writeFileSync(configFile, testConfigText(dir));
  storedId = await storeTestMessage(path.join(dir, 'spool.db'), '<cli@example.com>');
});
afterAll(() => cleanup());

describe('the postroom command line', () => {
  it('knows that --json takes no value: trace --json <id> traces that message', async () => {
    const { stdout, code } = await postroom('trace', '--json', String(storedId), '--config', configFile);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([{ id: storedId, messageId: '<cli@example.com>' }]);
  });

  it('answers --help for every command with its usage and options, on stdout, exit 0', async () => {
    for (const command of Object.values(COMMANDS)) {
      const { stdout, code } = await postroom(command.name, '--help');
      expect(code, command.name).toBe(0);
      expect(stdout, command.name).toMatch(new RegExp(`^usage: postroom ${command.name}\\b`));
      for (const option of Object.keys(command.options)) expect(stdout, command.name).toContain(`--${option}`);
      expect(stdout).toContain('--help');
    }
    const overview = await postroom('--help');
    expect(overview).toMatchObject({ code: 0, stdout: expect.stringContaining('commands:\n  serve ') });
  });

  it('refuses unknown flags, missing values and stray arguments with exit 64 and the usage', async () => {
    const unknown = await postroom('trace', '--jsn', '1', '--config', configFile);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe(
      'postroom trace: unknown option --jsn (known: --json, --state, --config, --help)\nusage: postroom trace [<spool id | Message-ID>] [--json] [--state VALUE] [--config FILE]\n(postroom trace --help for more)\n',
    );
    expect(await postroom('check', '--config')).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/^postroom check: option --config needs a value: --config FILE\n/),
    });
    expect(await postroom('replay', '1', '2')).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/^postroom replay: unexpected argument "2"\n/),
    });
    expect(await postroom('trace')).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/^postroom trace: expects <spool id \| Message-ID> or --state STATE\n/),
    });
    expect(await postroom('seed', '--json')).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/^postroom seed: unknown option --json \(known: --config, --help\)/),
    });
    expect(await postroom('launch')).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/^postroom: unknown command "launch"\n/),
    });
  });
});
