import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { runCli, storeTestMessage } from '../helpers/cli.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

const { dir, cleanup } = tempDir();
const configFile = path.join(dir, 'postroom.yml');
let deadId: number;

const cli = (...args: string[]) => runCli([...args, '--config', configFile]);

beforeAll(async () => {
  writeFileSync(configFile, testConfigText(dir));
  deadId = await storeTestMessage(path.join(dir, 'spool.db'), '<trace-me@example.com>');
  const spool = Spool.open(path.join(dir, 'spool.db'));
  spool.queue.settle(1_700_000_000_100, [], 1);
  spool.queue.settle(
    1_700_000_000_200,
    [
      {
        id: spool.deliveriesOf(deadId)[0].id,
        outcome: { state: 'dead', reason: 'gave up after 12 attempts: GitLab answered 503' },
        routing: { key: 'abc', keySource: 'envelope', handler: 'gitlab:http://gitlab' },
      },
    ],
    0,
  );
  await spool.close();
});
afterAll(() => cleanup());

describe('postroom trace and replay', () => {
  it('traces a message by spool id, step by step', async () => {
    const { stdout, code } = await cli('trace', String(deadId));
    expect(code).toBe(0);
    expect(stdout).toContain(`message ${deadId} <trace-me@example.com>`);
    expect(stdout).toContain('key       abc (from envelope)');
    expect(stdout).toContain('state     dead after 1 attempt(s): gave up after 12 attempts: GitLab answered 503');
    expect(stdout).toMatch(/#1 claimed\n.*#1 dead/);
  });

  it('traces by Message-ID as JSON for machines', async () => {
    const { stdout } = await cli('trace', 'trace-me@example.com', '--json');
    const [trace] = JSON.parse(stdout) as { id: number; state: string; events: { kind: string }[] }[];
    expect(trace).toMatchObject({ id: deadId, state: 'dead', keySource: 'envelope' });
    expect(trace.events.map((e) => e.kind)).toEqual(['claimed', 'dead']);
  });

  it('traces the latest messages with a dead recipient (--state dead), and refuses an unknown state', async () => {
    const [trace] = JSON.parse((await cli('trace', '--state', 'dead', '--json')).stdout) as { id: number }[];
    expect(trace.id).toBe(deadId);
    const wrong = await cli('trace', '--state', 'lost');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--state must be one of queued, processing/);
  });

  it('replays a dead message once, and says so when it is already queued', async () => {
    expect((await cli('replay', String(deadId))).stdout).toBe(`message ${deadId} queued again\n`);
    const again = await cli('replay', String(deadId));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is queued; only dead or rejected messages are replayed');
    const spool = Spool.open(path.join(dir, 'spool.db'));
    expect(spool.get(deadId)!.state).toBe('queued');
    expect(spool.events(deadId).at(-1)).toMatchObject({
      kind: 'replay',
      detail: { reason: 'replayed by an operator' },
    });
    await spool.close();
  });

  it('answers a clear error for an unknown message', async () => {
    const { stderr, code } = await cli('trace', '999');
    expect(code).toBe(1);
    expect(stderr).toBe('postroom trace: no message 999\n');
  });
});
