import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageTrace } from '../../src/spool/index.js';
import { testConfigText } from '../helpers/postroom.js';
import { greet } from '../helpers/smtpTalk.js';
import { startRoutingWorld, type RoutingWorld } from './world.js';

const run = promisify(execFile);
let world: RoutingWorld;

beforeAll(async () => {
  world = await startRoutingWorld();
});
afterAll(() => world.stop());

const issuesTitled = (title: string) => world.tracker.issues(world.project).filter((issue) => issue.title === title);

describe('a message for several of our recipients', () => {
  it('acts once for each: a new issue and a Service Desk ticket from one transaction', async () => {
    const { issueAddress, deskAddress, tracker } = world;
    const id = await world.send({ to: [issueAddress, deskAddress], subject: 'Two things at once' });
    expect(world.postroom.spool.deliveriesOf(id).map((d) => [d.recipient, d.state, d.handler])).toEqual([
      [issueAddress, 'done', 'CreateIssueHandler'],
      [deskAddress, 'done', 'ServiceDeskHandler'],
    ]);
    const issues = issuesTitled('Two things at once');
    expect(issues.map((issue) => issue.authorId).sort()).toEqual(
      [tracker.userByUsername('jake')!.id, tracker.supportBot().id].sort(),
    );
  });

  it('shows each recipient with its attempts and final state in the trace, and in `postroom trace --json`', async () => {
    const { issueAddress, deskAddress, postroom } = world;
    const id = await world.send({ to: [issueAddress, deskAddress], subject: 'Traced twice' });
    const trace = postroom.spool.trace(id)!;
    expect(trace.deliveries.map((d) => [d.recipient, d.state, d.attempts, d.events.map((e) => e.kind)])).toEqual([
      [issueAddress, 'done', 1, ['claimed', 'done']],
      [deskAddress, 'done', 1, ['claimed', 'done']],
    ]);
    const configFile = path.join(postroom.dir, 'postroom.yml');
    writeFileSync(configFile, testConfigText(postroom.dir));
    const cli = (...args: string[]) =>
      run(process.execPath, ['dist/src/cli/main.js', 'trace', String(id), ...args, '--config', configFile]);
    const [json] = JSON.parse((await cli('--json')).stdout) as MessageTrace[];
    expect(json.deliveries.map((d) => ({ recipient: d.recipient, state: d.state, attempts: d.attempts }))).toEqual([
      { recipient: issueAddress, state: 'done', attempts: 1 },
      { recipient: deskAddress, state: 'done', attempts: 1 },
    ]);
    const text = (await cli()).stdout;
    expect(text).toContain(`recipient <${issueAddress}>`);
    expect(text).toContain(`recipient <${deskAddress}>`);
    expect(text.match(/state {5}done after 1 attempt\(s\)/g)).toHaveLength(2);
  });

  it('acts once for a recipient given twice, also when one spelling quotes the local part', async () => {
    const { issueAddress } = world;
    const { talk } = await greet(world.postroom.port);
    const local = issueAddress.slice(0, issueAddress.indexOf('@'));
    expect((await talk.command('MAIL FROM:<jake@example.com>')).code).toBe(250);
    expect((await talk.command(`RCPT TO:<${issueAddress}>`)).code).toBe(250);
    expect((await talk.command(`RCPT TO:<"${local}"@postroom.test>`)).code).toBe(250);
    expect((await talk.command(`RCPT TO:<${local}@POSTROOM.TEST>`)).code).toBe(250);
    expect((await talk.command('DATA')).code).toBe(354);
    const reply = await talk.command(
      'From: jake@example.com\r\nSubject: Said three times\r\nMessage-ID: <thrice@example.com>\r\n\r\nOnce.\r\n.',
    );
    talk.close();
    expect(reply.code).toBe(250);
    const id = Number(/queued as (\d+)/.exec(reply.text)![1]);
    await world.routed(id);
    expect(world.postroom.spool.deliveriesOf(id).map((d) => [d.recipient, d.state])).toEqual([[issueAddress, 'done']]);
    expect(issuesTitled('Said three times')).toHaveLength(1);
  });
});

describe('what routing makes of a message', () => {
  it('a message the parser refuses (too many MIME parts) is a dead letter at once, with the reason', async () => {
    const parts = Array.from(
      { length: 1200 },
      (_, i) =>
        `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="p${i}.txt"\r\n\r\n${i}\r\n`,
    );
    const raw = `From: jake@example.com\r\nTo: ${world.issueAddress}\r\nSubject: Many parts\r\nMessage-ID: <many-parts@example.com>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts.join('')}--b--\r\n`;
    const id = await world.send({ to: [world.issueAddress], subject: 'Many parts', raw });
    const [delivery] = world.postroom.spool.deliveriesOf(id);
    expect(delivery).toMatchObject({ state: 'dead', attempts: 1 });
    expect(delivery.lastError).toMatch(/^routing failed and would fail again: Max allowed child nodes exceeded/);
    expect(issuesTitled('Many parts')).toHaveLength(0);
  });

  it('the same mail without a Message-ID sent twice over SMTP has one effect', async () => {
    const raw = `From: jake@example.com\r\nTo: ${world.issueAddress}\r\nSubject: No Message-ID\r\n\r\nOnce only.\r\n`;
    const first = await world.send({ to: [world.issueAddress], subject: 'No Message-ID', raw });
    const second = await world.send({ to: [world.issueAddress], subject: 'No Message-ID', raw });
    expect(world.postroom.spool.get(first)!.messageId).toBeUndefined();
    expect([world.postroom.spool.get(first)!.state, world.postroom.spool.get(second)!.state]).toEqual(['done', 'done']);
    expect(issuesTitled('No Message-ID')).toHaveLength(1);
  });
});
