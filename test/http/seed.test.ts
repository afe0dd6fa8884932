import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplate, parseMailKey } from '../../src/address/index.js';
import { parseConfigText } from '../../src/config/index.js';
import { openTracker } from '../../src/tracker/index.js';
import { tempDir, testConfigText } from '../helpers/postroom.js';

// Runs the built CLI (npm test builds first): what an operator types in the quick start.
const run = promisify(execFile);
const { dir, cleanup } = tempDir('postroom-seed-');
afterAll(() => cleanup());

async function seed(configText: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const configFile = path.join(dir, 'postroom.yml');
  writeFileSync(configFile, configText);
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/src/cli/main.js', 'seed', '--config', configFile]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

const embedded = () => testConfigText(dir);
const trackerFile = () => parseConfigText(embedded(), 'test.yml', {}).tracker.path;

describe('postroom seed', () => {
  it('creates the demo once and prints the same addresses every time', async () => {
    const first = await seed(embedded());
    expect(first.code, first.stderr).toBe(0);
    const second = await seed(embedded());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);

    const tracker = openTracker(trackerFile());
    try {
      expect(tracker.db.prepare('SELECT count(*) FROM users WHERE is_support_bot = 0').pluck().get()).toBe(1);
      expect(tracker.db.prepare('SELECT count(*) FROM projects').pluck().get()).toBe(1);
      const demo = tracker.userByUsername('demo')!;
      const project = tracker.projectByFullPath('demo/website')!;
      expect(tracker.userByVerifiedEmail('demo@example.com')?.id).toBe(demo.id);
      expect(project.serviceDesk.enabled).toBe(true);
      expect(tracker.can(demo, 'create_merge_request_in', project)).toBe(true);
      expect(existsSync(path.join(tracker.projectDetails(project)!.repositoryPath!, 'HEAD'))).toBe(true);

      const token = tracker.incomingEmailToken(demo)!;
      const printed = (label: string) => new RegExp(`^${label} +(\\S+)$`, 'm').exec(first.stdout)?.[1];
      const incoming = compileTemplate('incoming+%{key}@postroom.test');
      const keyOf = (address: string | undefined) => incoming.match(address ?? '')?.key ?? '';
      expect(parseMailKey(keyOf(printed('new issue')), { mailbox: 'incoming' })).toMatchObject({
        kind: 'newIssue',
        token,
      });
      expect(parseMailKey(keyOf(printed('new merge request')), { mailbox: 'incoming' })).toMatchObject({
        kind: 'newMergeRequest',
        token,
      });
      expect(printed('service desk')).toBe(`contact+demo-website-${project.id}-issue-@postroom.test`);
      expect(first.stdout).toContain(
        `swaks --server 127.0.0.1:0 --from demo@example.com --to '${printed('new issue')}'`,
      );
      expect(first.stdout).toContain(`--to '${printed('service desk')}'`);
    } finally {
      tracker.close();
    }
  });

  it('refuses when the sink is GitLab: there is no embedded tracker to seed', async () => {
    const answer = await seed(`${embedded()}sink: gitlab\n`);
    expect(answer.code).toBe(1);
    expect(answer.stderr).toContain('sink is gitlab');
  });
});
